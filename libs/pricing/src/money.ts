import Decimal from 'decimal.js';

/**
 * Money arithmetic. Every amount is an exact decimal: a per-token price times
 * an integer count, and sums of those, never need rounding within 60
 * significant digits, so no rounding happens while pricing or aggregating.
 * Rounding happens only where an amount leaves as whole micro-units
 * (`toMicros`): half to even, the banker's rule, so rounding errors do not
 * drift one way across many records.
 */
export const Money = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -60, toExpPos: 60 });
export type Money = Decimal;

const DECIMAL_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Parses a decimal literal exactly; rejects anything that is not a plain finite decimal. */
export function money(text: string): Money {
  if (!DECIMAL_TEXT.test(text)) throw new Error(`"${text}" is not a decimal number`);
  return new Money(text);
}

export const ZERO = new Money(0);

/** Plain decimal notation without exponent or trailing zeros, as stored in Postgres numeric. */
export function formatMoney(amount: Money): string {
  return amount.toFixed();
}

/** Whole micro-units (1e-6 USD), rounded half to even; the integer form budgets and APIs expose beside the exact amount. */
export function toMicros(amount: Money): bigint {
  return BigInt(amount.times(1_000_000).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toFixed());
}
