export * from './projection';
export * from './bookkeeping';
export * from './batch-plan';
export * from './metrics';
export * from './runner';
export * from './rebuild';
