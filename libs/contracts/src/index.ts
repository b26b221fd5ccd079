import 'reflect-metadata';

export * from './topics';
export * from './envelope';
export * from './errors';
export * from './registry';
export * from './validation';
export * from './codec';
export * from './event-size';
export * from './dead-letter';
export * from './events/access';
export * from './events/spans';
export * from './events/observations';
export * from './events/policy';
export * from './events/approvals';
export * from './events/inventory';
export * from './events/cost';
export * from './events/reporting';
