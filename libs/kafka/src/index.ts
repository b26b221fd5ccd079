export * from './types';
export * from './retry';
export * from './kafka-bus';
export * from './event-publisher';
export * from './dead-letter-publisher';
export * from './topics';
export * from './bus';
export * from './create-bus';
