import { BudgetStateChanged, BudgetStateChangedV1, EventEnvelope, Topics } from '@estate/contracts';
import { ident, Projection, ProjectionContext } from '@estate/projection';

/**
 * Keeps each budget's latest state from `cost.budget.state-changed`. Events
 * of one budget share a partition, so the last one in a batch is the newest
 * and replaces the stored row.
 */
export class BudgetStatesProjection implements Projection {
  readonly name = 'budget-states';
  readonly topics = [Topics.costEvents];
  readonly handles = [BudgetStateChangedV1.type];
  readonly tables = [{ name: 'budget_states' }];

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const latest = new Map<string, EventEnvelope<BudgetStateChanged>>();
    for (const event of events as Array<EventEnvelope<BudgetStateChanged>>) latest.set(`${event.tenantId}|${event.payload.budgetId}`, event);
    const rows = [...latest.values()];
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
