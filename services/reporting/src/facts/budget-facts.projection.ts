import {
  BudgetDefined,
  BudgetDefinedV1,
  BudgetRemovedV1,
  BudgetStateChanged,
  BudgetStateChangedV1,
  BudgetThresholdCrossed,
  BudgetThresholdCrossedV1,
  EventEnvelope,
  SpendSignalRaised,
  SpendSignalRaisedV1,
} from '@estate/contracts';
import { ident, Projection, ProjectionContext } from '@estate/projection';
import { ColumnSpec, insertNew, onePerKey, upsertRows } from './sql';

const DEFINITION_COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['budget_id', 'uuid'], ['name', 'text'], ['scope', 'jsonb'], ['period', 'text'], ['soft_limit', 'numeric'],
  ['hard_limit', 'numeric'], ['state', 'text'], ['updated_at', 'timestamptz'],
];

const SIGNAL_COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['signal_id', 'uuid'], ['kind', 'text'], ['trace_id', 'text'], ['workflow', 'text'], ['agent', 'text'],
  ['scope', 'jsonb'], ['detail', 'jsonb'], ['raised_at', 'timestamptz'],
];

interface BudgetState {
  tenant_id: string;
  budget_id: string;
  definition?: { name: string; scope: unknown; period: string; soft_limit: string | null; hard_limit: string | null };
  state?: string;
  period_key?: string;
  spent?: string;
  threshold_percent?: number;
  updated_at: string;
}

/**
 * Projects budgets (their latest definition, state and spend) and spend
 * signals. A budget's events share its partition, so they arrive in order
 * and the last one in a batch carries its current state. A signal raised
 * again under the same id keeps its first record, within a batch as across
 * batches, so a rebuild matches the live rows.
 */
export class BudgetFactsProjection implements Projection {
  readonly name = 'reporting-budgets';
  readonly handles = [BudgetDefinedV1.type, BudgetStateChangedV1.type, BudgetThresholdCrossedV1.type, BudgetRemovedV1.type, SpendSignalRaisedV1.type];
  readonly tables = [{ name: 'budgets' }, { name: 'spend_signals' }];

  constructor(readonly topics: string[]) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const signals = events.filter((e) => e.type === SpendSignalRaisedV1.type).map(signalRow);
    await insertNew(client, schema, 'spend_signals', SIGNAL_COLUMNS, ['tenant_id', 'signal_id'], onePerKey(signals, (r) => `${r.tenant_id}\u0000${r.signal_id}`, () => false));
    await this.applyBudgets(client, schema, foldBudgets(events.filter((e) => e.type !== SpendSignalRaisedV1.type)));
  }

  /** Stores definitions (or placeholders for budgets defined before this model began), then the state the batch left. */
  private async applyBudgets(client: ProjectionContext['client'], schema: string, budgets: BudgetState[]): Promise<void> {
    if (budgets.length === 0) return;
    const definitions = budgets.map((b) => ({
      tenant_id: b.tenant_id,
      budget_id: b.budget_id,
      name: b.definition?.name ?? b.budget_id,
      scope: b.definition?.scope ?? {},
      period: b.definition?.period ?? 'unknown',
      soft_limit: b.definition?.soft_limit ?? null,
      hard_limit: b.definition?.hard_limit ?? null,
      state: 'ok',
      updated_at: b.updated_at,
      defined: b.definition !== undefined,
    }));
    await upsertRows(client, schema, { table: 'budgets', columns: DEFINITION_COLUMNS, key: ['tenant_id', 'budget_id'], keep: ['state', 'updated_at'] }, definitions.filter((d) => d.defined));
    await insertNew(client, schema, 'budgets', DEFINITION_COLUMNS, ['tenant_id', 'budget_id'], definitions.filter((d) => !d.defined));
    await client.query(
      `UPDATE ${ident(schema)}.budgets AS t SET state = coalesce(r.state, t.state), period_key = coalesce(r.period_key, t.period_key),
         spent = coalesce(r.spent, t.spent), threshold_percent = coalesce(r.threshold_percent, t.threshold_percent), updated_at = r.updated_at
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, budget_id uuid, state text, period_key text, spent numeric, threshold_percent integer, updated_at timestamptz)
       WHERE t.tenant_id = r.tenant_id AND t.budget_id = r.budget_id`,
      [JSON.stringify(budgets.map(({ definition: _definition, ...rest }) => rest))],
    );
  }
}

function signalRow(event: EventEnvelope) {
  const p = event.payload as SpendSignalRaised;
  return {
    tenant_id: event.tenantId,
    signal_id: p.signalId,
    kind: p.kind,
    trace_id: p.traceId ?? null,
    workflow: p.scope.workflow ?? null,
    agent: p.scope.agent ?? null,
    scope: p.scope,
    detail: p.detail,
    raised_at: event.occurredAt,
  };
}

/** Folds each budget's events of one batch, in order, into the state they leave. */
export function foldBudgets(events: EventEnvelope[]): BudgetState[] {
  const byBudget = new Map<string, BudgetState>();
  for (const event of events) {
    const p = event.payload as BudgetDefined | BudgetStateChanged | BudgetThresholdCrossed;
    const key = `${event.tenantId}\u0000${p.budgetId}`;
    const state: BudgetState = byBudget.get(key) ?? { tenant_id: event.tenantId, budget_id: p.budgetId, updated_at: event.occurredAt };
    state.updated_at = event.occurredAt;
    if (event.type === BudgetDefinedV1.type) {
      const d = p as BudgetDefined;
      state.definition = { name: d.name, scope: d.scope, period: d.period, soft_limit: d.softLimit ?? null, hard_limit: d.hardLimit ?? null };
    } else if (event.type === BudgetStateChangedV1.type) {
      const c = p as BudgetStateChanged;
      Object.assign(state, { state: c.state, period_key: c.periodKey, spent: c.spent });
    } else if (event.type === BudgetRemovedV1.type) {
      state.state = 'removed';
    } else {
      const t = p as BudgetThresholdCrossed;
      Object.assign(state, { period_key: t.periodKey, spent: t.spent, threshold_percent: t.thresholdPercent });
    }
    byBudget.set(key, state);
  }
  return [...byBudget.values()];
}
