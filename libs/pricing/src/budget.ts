import { formatMoney, money, Money, ZERO } from './money';

/** Calendar periods are UTC; weeks start on Monday (ISO 8601). A `run` budget applies to each workflow run or agent session separately. */
export const BUDGET_PERIODS = ['day', 'week', 'month', 'run'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export const BUDGET_STATES = ['ok', 'soft_limit', 'hard_limit'] as const;
export type BudgetState = (typeof BUDGET_STATES)[number];

/** The cost dimensions a budget can be scoped to; an absent dimension matches every value. */
export const COST_DIMENSIONS = ['workflow', 'product', 'environment', 'team', 'agent', 'modelRoute', 'provider', 'model', 'policyClass'] as const;
export type CostDimension = (typeof COST_DIMENSIONS)[number];
export type DimensionValues = Partial<Record<CostDimension, string>>;

export const DEFAULT_THRESHOLDS = [50, 80, 100];

export interface CalendarWindow {
  start: Date;
  end: Date;
}

/** Returns the calendar period containing `at`. */
export function calendarWindow(period: Exclude<BudgetPeriod, 'run'>, at: Date): CalendarWindow {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  if (period === 'day') return { start: new Date(Date.UTC(y, m, d)), end: new Date(Date.UTC(y, m, d + 1)) };
  if (period === 'month') return { start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
  const sinceMonday = (at.getUTCDay() + 6) % 7;
  return { start: new Date(Date.UTC(y, m, d - sinceMonday)), end: new Date(Date.UTC(y, m, d - sinceMonday + 7)) };
}

/** True when every dimension the budget names has the same value on the usage. */
export function scopeMatches(scope: DimensionValues, usage: DimensionValues): boolean {
  return COST_DIMENSIONS.every((dimension) => scope[dimension] === undefined || scope[dimension] === usage[dimension]);
}

export interface Limits {
  softLimit?: string | null;
  hardLimit?: string | null;
}

/** Spending equal to a limit reaches it: a hard limit of 10 with 10 spent denies the next call. */
export function budgetState(spent: Money, limits: Limits): BudgetState {
  if (limits.hardLimit != null && spent.gte(money(limits.hardLimit))) return 'hard_limit';
  if (limits.softLimit != null && spent.gte(money(limits.softLimit))) return 'soft_limit';
  return 'ok';
}

/**
 * Returns the threshold percentages that spending passed on its way from
 * `before` to `after`. Percentages refer to the hard limit, or to the soft
 * limit when there is no hard one. Each is returned once, when first reached.
 */
export function crossedThresholds(before: Money, after: Money, limits: Limits, thresholds: readonly number[]): number[] {
  const reference = limits.hardLimit ?? limits.softLimit;
  if (reference == null) return [];
  const limit = money(reference);
  return thresholds.filter((percent) => {
    const mark = limit.times(percent).dividedBy(100);
    return before.lt(mark) && after.gte(mark);
  });
}

/**
 * Linear run-rate forecast of spending at period end: spent so far divided
 * by the elapsed fraction of the period. Returns the spent amount itself at
 * the very start, where no rate is known yet.
 */
export function forecastAtPeriodEnd(spent: Money, window: CalendarWindow, now: Date): string {
  const total = window.end.getTime() - window.start.getTime();
  const elapsed = Math.min(Math.max(now.getTime() - window.start.getTime(), 0), total);
  if (elapsed === 0) return formatMoney(spent);
  return formatMoney(spent.times(total).dividedBy(elapsed).toDecimalPlaces(6));
}

/** Amount still available under the hard limit after spending and reservations in flight; null without a hard limit. */
export function headroom(spent: Money, reserved: Money, limits: Limits): string | null {
  if (limits.hardLimit == null) return null;
  const left = money(limits.hardLimit).minus(spent).minus(reserved);
  return formatMoney(left.isNegative() ? ZERO : left);
}
