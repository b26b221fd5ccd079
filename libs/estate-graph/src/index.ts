export * from './kinds';
export * from './relationship-rules';
export * from './reach-graph';
export * from './reach-search';
