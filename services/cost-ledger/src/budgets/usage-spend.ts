import { ident } from '@estate/projection';
import { money, scopeMatches } from '@estate/pricing';
import type { PoolClient } from 'pg';
import { PricedUsage } from '../usage/price-usage';
import { loadBudgets, periodKeyFor } from './budget-rows';
import { recordSpend, SpendDelta } from './budget-spend';

/**
 * Adds newly priced usage to every budget whose scope it matches. A call
 * whose actual cost the decision point already settled against a budget
 * (same usage id) adds only the difference between the ledger's price and
 * the settled amount, so it is never counted twice.
 */
export async function applyUsageToBudgets(client: PoolClient, schema: string, usage: PricedUsage[]): Promise<void> {
  const priced = usage.filter((u) => u.cost !== null);
  if (priced.length === 0) return;
  const tenantIds = [...new Set(priced.map((u) => u.tenantId))];
  const budgets = await loadBudgets(client, schema, tenantIds);
  if (budgets.length === 0) return;

  const settled = await client.query<{ tenant_id: string; usage_id: string; budget_id: string; amount: string }>(
    `SELECT s.tenant_id, s.usage_id, s.budget_id, s.amount::text FROM ${ident(schema)}.budget_settlements s
     JOIN unnest($1::text[], $2::text[]) AS u(tenant_id, usage_id) USING (tenant_id, usage_id)`,
    [priced.map((u) => u.tenantId), priced.map((u) => u.usageId)],
  );
  const settledBy = new Map(settled.rows.map((r) => [`${r.tenant_id}\u0000${r.usage_id}\u0000${r.budget_id}`, money(r.amount)]));

  const deltas: SpendDelta[] = [];
  for (const u of priced) {
    const dimensions = { ...u.dimensions, model: u.model };
    for (const budget of budgets) {
      if (budget.tenantId !== u.tenantId || !scopeMatches(budget.scope, dimensions)) continue;
      const periodKey = periodKeyFor(budget.period, u.occurredAt, u);
      if (periodKey === null) continue;
      const alreadySettled = settledBy.get(`${u.tenantId}\u0000${u.usageId}\u0000${budget.budgetId}`);
      const cost = money(u.cost ?? '0');
      const amount = alreadySettled ? cost.minus(alreadySettled) : cost;
      if (!amount.isZero()) deltas.push({ budget, periodKey, amount });
    }
  }
  await recordSpend(client, schema, deltas);
}
