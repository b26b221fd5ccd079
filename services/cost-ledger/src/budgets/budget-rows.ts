import { ident } from '@estate/projection';
import { BudgetPeriod, calendarWindow, DimensionValues, Limits } from '@estate/pricing';
import type { Pool, PoolClient } from 'pg';

export interface BudgetRow extends Limits {
  tenantId: string;
  budgetId: string;
  name: string;
  scope: DimensionValues;
  period: BudgetPeriod;
  thresholds: number[];
}

/** Returns the budgets of these tenants that are not removed. */
export async function loadBudgets(db: Pool | PoolClient, schema: string, tenantIds: string[]): Promise<BudgetRow[]> {
  const { rows } = await db.query(
    `SELECT tenant_id, budget_id, name, scope, period, soft_limit::text, hard_limit::text, thresholds
     FROM ${ident(schema)}.budgets WHERE tenant_id = ANY($1::text[]) AND removed_at IS NULL`,
    [tenantIds],
  );
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    budgetId: r.budget_id,
    name: r.name,
    scope: r.scope,
    period: r.period,
    softLimit: r.soft_limit,
    hardLimit: r.hard_limit,
    thresholds: r.thresholds,
  }));
}

/**
 * The period a cost at `at` counts in: the ISO start of the calendar period,
 * or the session id (falling back to the trace id) for run budgets. Returns
 * null for a run budget when the call belongs to no session or trace.
 */
export function periodKeyFor(period: BudgetPeriod, at: Date, run: { sessionId: string | null; traceId: string | null }): string | null {
  if (period === 'run') return run.sessionId ?? run.traceId;
  return calendarWindow(period, at).start.toISOString();
}
