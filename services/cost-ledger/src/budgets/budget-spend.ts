import {
  BudgetStateChangedV1,
  BudgetThresholdCrossedV1,
  createEnvelope,
  EventEnvelope,
} from '@estate/contracts';
import { ident } from '@estate/projection';
import { budgetState, BudgetState, crossedThresholds, formatMoney, money, Money } from '@estate/pricing';
import type { PoolClient } from 'pg';
import { SERVICE_NAME } from '../config';
import { appendToOutbox } from '../outbox/outbox';
import { BudgetRow } from './budget-rows';

/** Spending to add to one budget period. */
export interface SpendDelta {
  budget: BudgetRow;
  periodKey: string;
  amount: Money;
}

/**
 * Adds spending to budget periods, then emits a threshold event for each
 * threshold the new total reached and a state event when the period's state
 * changed, all in the caller's transaction. Rows are updated in a fixed
 * order (tenant, budget, period) so two transactions never deadlock on them.
 */
export async function recordSpend(client: PoolClient, schema: string, deltas: SpendDelta[], causationId?: string): Promise<void> {
  const merged = mergeDeltas(deltas);
  if (merged.length === 0) return;
  const s = ident(schema);
  const { rows } = await client.query<{ tenant_id: string; budget_id: string; period_key: string; spent: string; state: BudgetState }>(
    `INSERT INTO ${s}.budget_periods AS p (tenant_id, budget_id, period_key, spent)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::numeric[])
     ON CONFLICT (tenant_id, budget_id, period_key) DO UPDATE SET spent = p.spent + excluded.spent
     RETURNING tenant_id, budget_id, period_key, spent::text, state`,
    [merged.map((d) => d.budget.tenantId), merged.map((d) => d.budget.budgetId), merged.map((d) => d.periodKey), merged.map((d) => formatMoney(d.amount))],
  );

  const events: EventEnvelope[] = [];
  const stateChanges: Array<{ delta: SpendDelta; state: BudgetState }> = [];
  for (const row of rows) {
    const delta = merged.find((d) => d.budget.tenantId === row.tenant_id && d.budget.budgetId === row.budget_id && d.periodKey === row.period_key);
    if (!delta) continue;
    const after = money(row.spent);
    const before = after.minus(delta.amount);
    const { budget } = delta;
    const common = { budgetId: budget.budgetId, periodKey: row.period_key, scope: budget.scope, spent: formatMoney(after) };
    const envelope = (type: string, payload: object) =>
      createEnvelope({ type, schemaVersion: 1, tenantId: budget.tenantId, producer: SERVICE_NAME, key: budget.budgetId, payload, causationId });
    for (const percent of crossedThresholds(before, after, budget, budget.thresholds)) {
      const limit = (budget.hardLimit ?? budget.softLimit) as string;
      events.push(envelope(BudgetThresholdCrossedV1.type, { ...common, thresholdPercent: percent, limit }));
    }
    const state = budgetState(after, budget);
    if (state !== row.state) {
      stateChanges.push({ delta, state });
      const limit = state === 'hard_limit' ? budget.hardLimit : budget.softLimit;
      events.push(envelope(BudgetStateChangedV1.type, { ...common, state, previousState: row.state, ...(limit != null ? { limit } : {}) }));
    }
  }
  if (stateChanges.length > 0) {
    await client.query(
      `UPDATE ${s}.budget_periods p SET state = c.state
       FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[]) AS c(tenant_id, budget_id, period_key, state)
       WHERE p.tenant_id = c.tenant_id AND p.budget_id = c.budget_id AND p.period_key = c.period_key`,
      [
        stateChanges.map((c) => c.delta.budget.tenantId),
        stateChanges.map((c) => c.delta.budget.budgetId),
        stateChanges.map((c) => c.delta.periodKey),
        stateChanges.map((c) => c.state),
      ],
    );
  }
  await appendToOutbox(client, schema, events);
}

function mergeDeltas(deltas: SpendDelta[]): SpendDelta[] {
  const byKey = new Map<string, SpendDelta>();
  for (const delta of deltas) {
    const key = `${delta.budget.tenantId}\u0000${delta.budget.budgetId}\u0000${delta.periodKey}`;
    const existing = byKey.get(key);
    byKey.set(key, existing ? { ...existing, amount: existing.amount.plus(delta.amount) } : delta);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, delta]) => delta);
}
