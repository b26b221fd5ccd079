export * from './infrastructure';
export * from './wait';
export * from './fresh';
export * from './counter-fixture';
export * from './api-keys';
export * from './service-harness';
export * from './grpc-outcome-client';
