/** Nest injection tokens of the cost ledger. */
export const PRICE_BOOKS = Symbol('PRICE_BOOKS');
export const SIGNAL_THRESHOLDS = Symbol('SIGNAL_THRESHOLDS');
