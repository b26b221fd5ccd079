import { BudgetRemovedV1, BudgetStateChanged, BudgetStateChangedV1, EventEnvelope, Topics } from '@estate/contracts';
import { ident, Projection, ProjectionContext } from '@estate/projection';

/**
 * Keeps each budget's latest state from `cost.budget.state-changed`, and
 * drops it on `cost.budget.removed`. Events of one budget share a
 * partition, so the last one in a batch is the newest and decides.
 */
export class BudgetStatesProjection implements Projection {
  readonly name = 'budget-states';
  readonly topics = [Topics.costEvents];
  readonly handles = [BudgetStateChangedV1.type, BudgetRemovedV1.type];
  readonly tables = [{ name: 'budget_states' }];

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const latest = new Map<string, EventEnvelope>();
    for (const event of events) latest.set(`${event.tenantId}|${(event.payload as { budgetId: string }).budgetId}`, event);
    const removed = [...latest.values()].filter((e) => e.type === BudgetRemovedV1.type);
    const rows = [...latest.values()].filter((e): e is EventEnvelope<BudgetStateChanged> => e.type === BudgetStateChangedV1.type);
    if (removed.length > 0) {
      await client.query(
        `DELETE FROM ${ident(schema)}.budget_states s USING unnest($1::text[], $2::text[]) AS r (tenant_id, budget_id)
          WHERE s.tenant_id = r.tenant_id AND s.budget_id = r.budget_id`,
        [removed.map((e) => e.tenantId), removed.map((e) => (e.payload as { budgetId: string }).budgetId)],
      );
    }
    if (rows.length === 0) return;
    await client.query(
      `INSERT INTO ${ident(schema)}.budget_states (tenant_id, budget_id, period_key, scope, state, changed_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[])
       ON CONFLICT (tenant_id, budget_id) DO UPDATE
         SET period_key = EXCLUDED.period_key, scope = EXCLUDED.scope, state = EXCLUDED.state, changed_at = EXCLUDED.changed_at`,
      [
        rows.map((e) => e.tenantId), rows.map((e) => e.payload.budgetId), rows.map((e) => e.payload.periodKey),
        rows.map((e) => JSON.stringify(e.payload.scope)), rows.map((e) => e.payload.state), rows.map((e) => e.recordedAt),
      ],
    );
  }
}
