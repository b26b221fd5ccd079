export * from './api-key';
export * from './access-projection';
export * from './principal';
export * from './api-key-store';
