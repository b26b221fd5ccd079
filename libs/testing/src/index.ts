export * from './infrastructure';
export * from './wait';
export * from './fresh';
export * from './counter-fixture';
