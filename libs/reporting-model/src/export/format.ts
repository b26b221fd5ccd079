import { Coverage } from '../figures';

export const percent = (share: number | null): string => (share === null ? 'not measured' : `${(share * 100).toFixed(1)}%`);

export const coverageText = (c: Coverage): string => `${percent(c.share)} (${c.numerator} of ${c.denominator})`;

/** Formats a decimal USD string to cents for reading; exports keep the exact string elsewhere. */
export function usd(amount: string): string {
  const [whole, fraction = ''] = amount.split('.');
  const cents = (fraction + '00').slice(0, 2);
  const rest = fraction.slice(2).replace(/0+$/, '');
  return `$${whole}.${cents}${rest ? `${rest}` : ''}`;
}

/** Shown in place of the comparison for an all-time report. */
export const NO_EARLIER_PERIOD = 'No comparison: the report covers all time, so there is no earlier period.';

export const ms = (value: number | null): string => (value === null ? '-' : `${value.toFixed(0)} ms`);
