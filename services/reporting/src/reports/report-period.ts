import { AppError } from '@estate/service-kit';
import { isISO8601 } from 'class-validator';

const DAY_MS = 24 * 3600 * 1000;
/** Reports cover the last 30 days unless the caller names a period. */
export const DEFAULT_PERIOD_DAYS = 30;
/**
 * A longer named period makes the percentile and reach queries scan too much
 * for an interactive request; a caller that needs every fact asks for the
 * whole history explicitly (`all=true`), which has no cap.
 */
export const MAX_PERIOD_DAYS = 366;
/** Where an all-time period starts: the Unix epoch, before any span a clock can stamp. */
export const ALL_TIME_FROM = new Date(0);

function parseInstant(value: string | undefined, field: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = new Date(value);
  // The strict check rejects days a month does not have, which Date rolls over (2026-02-30 becomes 2026-03-02).
  if (Number.isNaN(parsed.getTime()) || !isISO8601(value, { strict: true })) {
    throw new AppError('invalid_argument', `${field} must be an ISO 8601 date or date-time, such as 2026-11-01 or 2026-11-01T00:00:00Z; got "${value}"`, field);
  }
  return parsed;
}

/**
 * Resolves `from`/`to` query values into a half-open period [from, to),
 * defaulting to the 30 days before now. With `allTime` the period starts at
 * the epoch and is not capped, and a `from` is rejected as contradictory.
 */
export function reportPeriod(fromText: string | undefined, toText: string | undefined, now: Date, allTime = false): { from: Date; to: Date } {
  const to = parseInstant(toText, 'to') ?? now;
  if (allTime) {
    if (fromText) throw new AppError('invalid_argument', `all=true covers the whole history, so from ("${fromText}") must be left out`, 'from');
    if (to <= ALL_TIME_FROM) throw new AppError('invalid_argument', `to (${to.toISOString()}) must be after ${ALL_TIME_FROM.toISOString()}`, 'to');
    return { from: ALL_TIME_FROM, to };
  }
  const from = parseInstant(fromText, 'from') ?? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
  if (from >= to) throw new AppError('invalid_argument', `from (${from.toISOString()}) must be before to (${to.toISOString()})`, 'from');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw new AppError('invalid_argument', `a report period may span at most ${MAX_PERIOD_DAYS} days; narrow from and to, or pass all=true without from for the whole history`, 'from');
  }
  return { from, to };
}

/** The period of the same length that ends where this one starts. */
export function previousPeriod(period: { from: Date; to: Date }): { from: Date; to: Date } {
  const length = period.to.getTime() - period.from.getTime();
  return { from: new Date(period.from.getTime() - length), to: period.from };
}

export const daysAfter = (at: Date, days: number) => new Date(at.getTime() + days * DAY_MS);
