import { Coverage } from '../figures';
import type { Scorecard, ScorecardMeasure } from '../report';

export const percent = (share: number | null): string => (share === null ? 'not measured' : `${(share * 100).toFixed(1)}%`);

export const coverageText = (c: Coverage): string => `${percent(c.share)} (${c.numerator} of ${c.denominator})`;

/** Writes a whole number of micro-USD as an exact decimal USD string, such as 3649 → "0.003649". */
export function microsToUsd(micros: number): string {
  const digits = BigInt(micros).toString().padStart(7, '0');
  const fraction = digits.slice(-6).replace(/0+$/, '');
  return fraction ? `${digits.slice(0, -6)}.${fraction}` : digits.slice(0, -6);
}

/** A spend share counted in micro-USD, shown with its amounts in USD. */
export const spendCoverageText = (c: Coverage): string => `${percent(c.share)} (${microsToUsd(c.numerator)} of ${microsToUsd(c.denominator)} USD)`;

/** Formats a decimal USD string to cents for reading; exports keep the exact string elsewhere. */
export function usd(amount: string): string {
  const [whole, fraction = ''] = amount.split('.');
  const cents = (fraction + '00').slice(0, 2);
  const rest = fraction.slice(2).replace(/0+$/, '');
  return `$${whole}.${cents}${rest ? `${rest}` : ''}`;
}

/** The scorecard cell for one measure; the spend share is counted in micro-USD and shown in USD. */
export function scorecardValue(s: Scorecard, measure: ScorecardMeasure): string {
  return measure === 'attributableSpend' ? spendCoverageText(s.measures[measure]) : coverageText(s.measures[measure]);
}

/** Shown in place of the comparison for an all-time report. */
export const NO_EARLIER_PERIOD = 'No comparison: the report covers all time, so there is no earlier period.';

export const ms = (value: number | null): string => (value === null ? '-' : `${value.toFixed(0)} ms`);
