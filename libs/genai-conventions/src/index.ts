export * from './span-input';
export * from './attributes';
export * from './step';
export * from './usage';
export * from './cost';
export * from './context';
export * from './normalise';
export * from './inherit';
