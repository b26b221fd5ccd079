export const PG_POOL = Symbol('PG_POOL');
export const KAFKA_BUS = Symbol('KAFKA_BUS');
export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
export const SERVICE_OPTIONS = Symbol('SERVICE_OPTIONS');
export const API_KEY_STORE = Symbol('API_KEY_STORE');
export const PROJECTIONS = Symbol('PROJECTIONS');
