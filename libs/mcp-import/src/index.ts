export * from './import-error';
export * from './client-config';
export * from './server-json';
export * from './tool-list';
