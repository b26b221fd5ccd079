import { ident } from '@estate/projection';
import { BudgetState, calendarWindow, DimensionValues, forecastAtPeriodEnd, headroom, money, scopeMatches, toMicros } from '@estate/pricing';
import type { Pool } from 'pg';
import { loadBudgets, periodKeyFor } from './budget-rows';

const SEVERITY: Record<BudgetState, number> = { ok: 0, soft_limit: 1, hard_limit: 2 };

/**
 * Returns the state of every budget a call with these dimensions falls
 * under, in its current period, and the most severe of them. The policy
 * decision point reads it before allowing a call, and denies or requires
 * approval at hard_limit.
 */
export async function budgetStates(pool: Pool, schema: string, tenantId: string, scope: DimensionValues, run: { sessionId: string | null; traceId: string | null }, now: Date) {
  const budgets = (await loadBudgets(pool, schema, [tenantId])).filter((b) => scopeMatches(b.scope, scope));
  const keyed = budgets.map((budget) => ({ budget, periodKey: periodKeyFor(budget.period, now, run) }));
  const { rows } = await pool.query<{ budget_id: string; period_key: string; spent: string; reserved: string; state: BudgetState }>(
    `SELECT budget_id, period_key, spent::text, reserved::text, state FROM ${ident(schema)}.budget_periods
     WHERE tenant_id = $1 AND (budget_id, period_key) IN (SELECT * FROM unnest($2::uuid[], $3::text[]))`,
    [tenantId, keyed.map((k) => k.budget.budgetId), keyed.map((k) => k.periodKey ?? '')],
  );
  const states = keyed.map(({ budget, periodKey }) => {
    const row = rows.find((r) => r.budget_id === budget.budgetId && r.period_key === periodKey);
    const spent = money(row?.spent ?? '0');
    const reserved = money(row?.reserved ?? '0');
    const window = budget.period === 'run' ? null : calendarWindow(budget.period, now);
    return {
      budgetId: budget.budgetId,
      name: budget.name,
      scope: budget.scope,
      period: budget.period,
      periodKey,
      periodStart: window?.start.toISOString() ?? null,
      periodEnd: window?.end.toISOString() ?? null,
      state: (row?.state ?? 'ok') as BudgetState,
      spent: spent.toFixed(),
      spentMicros: toMicros(spent).toString(),
      reserved: reserved.toFixed(),
      softLimit: budget.softLimit ?? null,
      hardLimit: budget.hardLimit ?? null,
      headroom: headroom(spent, reserved, budget),
      forecastAtPeriodEnd: window ? forecastAtPeriodEnd(spent, window, now) : null,
    };
  });
  const applicable = states.filter((s) => s.periodKey !== null);
  const state = applicable.reduce<BudgetState>((worst, s) => (SEVERITY[s.state] > SEVERITY[worst] ? s.state : worst), 'ok');
  return { state, budgets: states };
}
