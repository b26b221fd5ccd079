import { ident } from '@estate/projection';
import type { AssetGap, BudgetAtRisk, ExceptionEndingSoon } from '@estate/reporting-model';
import type { Pool } from 'pg';
import { normaliseDecimal } from './workflow-figures';

/** Asset kinds that carry an owner and a data classification; governance objects (teams, budgets, policy classes, ...) do not. */
export const GOVERNED_KINDS = [
  'model', 'model-version', 'deployment', 'model-route', 'prompt', 'prompt-version', 'dataset', 'agent', 'mcp-server', 'tool', 'workflow', 'output-channel',
];

/** A budget counts as at risk from this share of its limit, or once it left the ok state. */
export const BUDGET_RISK_PERCENT = 80;

const money = (v: string | null) => (v === null ? null : normaliseDecimal(v));

/** Open exception windows that end between `now` and `until`, soonest first. */
export async function exceptionsEndingSoon(pool: Pool, schema: string, tenantId: string, now: Date, until: Date): Promise<ExceptionEndingSoon[]> {
  const { rows } = await pool.query(
    `SELECT window_id, owner, ends_at, policy_ids, principal_id, resource_id, reason FROM ${ident(schema)}.exception_windows
     WHERE tenant_id = $1 AND state = 'open' AND ends_at > $2 AND ends_at <= $3 ORDER BY ends_at, window_id`,
    [tenantId, now, until],
  );
  return rows.map((r) => ({
    windowId: r.window_id, owner: r.owner, endsAt: r.ends_at.toISOString(), policyIds: r.policy_ids ?? [],
    principalId: r.principal_id, resourceId: r.resource_id, reason: r.reason,
  }));
}

/** Active assets of governed kinds with no owner or no data classification. */
export async function assetGaps(pool: Pool, schema: string, tenantId: string): Promise<AssetGap[]> {
  const { rows } = await pool.query(
    `SELECT asset_id, kind, name, environment, owner_team IS NULL AS no_owner, data_classification IS NULL AS no_class
     FROM ${ident(schema)}.inventory_assets
     WHERE tenant_id = $1 AND lifecycle <> 'retired' AND kind = ANY($2::text[]) AND (owner_team IS NULL OR data_classification IS NULL)
     ORDER BY kind, name, asset_id`,
    [tenantId, GOVERNED_KINDS],
  );
  return rows.map((r) => ({
    assetId: r.asset_id, kind: r.kind, name: r.name, environment: r.environment,
    missing: [...(r.no_owner ? (['owner'] as const) : []), ...(r.no_class ? (['classification'] as const) : [])],
  }));
}

/** Budgets past their soft or hard limit, or at `BUDGET_RISK_PERCENT` of it, worst first. */
export async function budgetsAtRisk(pool: Pool, schema: string, tenantId: string): Promise<BudgetAtRisk[]> {
  const { rows } = await pool.query(
    `SELECT budget_id, name, state, period_key, spent::text, soft_limit::text, hard_limit::text, threshold_percent
     FROM ${ident(schema)}.budgets
     WHERE tenant_id = $1 AND state <> 'removed' AND (state IN ('soft_limit', 'hard_limit') OR threshold_percent >= $2)
     ORDER BY state = 'hard_limit' DESC, state = 'soft_limit' DESC, threshold_percent DESC NULLS LAST, name`,
    [tenantId, BUDGET_RISK_PERCENT],
  );
  return rows.map((r) => ({
    budgetId: r.budget_id, name: r.name, state: r.state, periodKey: r.period_key, spent: money(r.spent),
    softLimit: money(r.soft_limit), hardLimit: money(r.hard_limit), thresholdPercent: r.threshold_percent,
  }));
}

/** Priced cost per UTC day in the window, days without calls left out. */
export async function costByDay(pool: Pool, schema: string, tenantId: string, from: Date, to: Date): Promise<Array<{ day: string; cost: string }>> {
  const { rows } = await pool.query(
    `SELECT to_char(date_trunc('day', occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, coalesce(sum(cost), 0)::text AS cost
     FROM ${ident(schema)}.cost_facts WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1 ORDER BY 1`,
    [tenantId, from, to],
  );
  return rows.map((r) => ({ day: r.day, cost: normaliseDecimal(r.cost) }));
}
