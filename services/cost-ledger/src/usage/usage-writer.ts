import { ident } from '@estate/projection';
import type { PoolClient } from 'pg';
import { costText, PricedUsage } from './price-usage';

const DIMENSIONS = ['workflow', 'product', 'environment', 'team', 'agent', 'model_route', 'provider', 'model', 'policy_class'] as const;
const DIMS = DIMENSIONS.join(', ');

function rollupUpsert(s: string, table: string, unit: 'hour' | 'day'): string {
  return `INSERT INTO ${s}.${table} (tenant_id, bucket, ${DIMS}, calls, unpriced_calls, input_tokens, output_tokens,
      cached_input_tokens, cache_creation_tokens, reasoning_tokens, cost)
    SELECT tenant_id, date_trunc('${unit}', occurred_at, 'UTC'), ${DIMS}, count(*), count(*) FILTER (WHERE NOT priced),
      sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), sum(cache_creation_tokens + cache_creation_1h_tokens),
      sum(reasoning_tokens), coalesce(sum(cost), 0)
    FROM inserted GROUP BY 1, 2, ${DIMS}
    ON CONFLICT (tenant_id, bucket, ${DIMS}) DO UPDATE SET
      calls = ${table}.calls + excluded.calls,
      unpriced_calls = ${table}.unpriced_calls + excluded.unpriced_calls,
      input_tokens = ${table}.input_tokens + excluded.input_tokens,
      output_tokens = ${table}.output_tokens + excluded.output_tokens,
      cached_input_tokens = ${table}.cached_input_tokens + excluded.cached_input_tokens,
      cache_creation_tokens = ${table}.cache_creation_tokens + excluded.cache_creation_tokens,
      reasoning_tokens = ${table}.reasoning_tokens + excluded.reasoning_tokens,
      cost = ${table}.cost + excluded.cost`;
}

/** The columns of a new usage row that the rollups read; `cost_lines` stays out of the CTE. */
const RETURNED = `tenant_id, usage_id, occurred_at, ${DIMS}, priced, input_tokens, output_tokens, cached_input_tokens,
  cache_creation_tokens, cache_creation_1h_tokens, reasoning_tokens, cost`;

function workflowSpendUpsert(s: string): string {
  return `INSERT INTO ${s}.workflow_hourly_spend AS w (tenant_id, workflow, hour, cost)
    SELECT tenant_id, workflow, date_trunc('hour', occurred_at, 'UTC'), sum(cost)
    FROM inserted WHERE priced AND workflow <> '' GROUP BY 1, 2, 3
    ON CONFLICT (tenant_id, workflow, hour) DO UPDATE SET cost = w.cost + excluded.cost`;
}

/**
 * Inserts priced usage and folds the new rows into the hourly and daily
 * rollups and the workflow-hour spend, all in one statement. A usage id already stored (a span delivered in
 * another event, or a usage event sent twice) is skipped by the insert and
 * therefore never reaches the rollups. Returns the usage that was new.
 */
export async function insertUsage(client: PoolClient, schema: string, usage: PricedUsage[]): Promise<PricedUsage[]> {
  if (usage.length === 0) return [];
  const s = ident(schema);
  const dim = (key: keyof PricedUsage['dimensions']) => usage.map((u) => u.dimensions[key] ?? '');
  const q = (key: keyof PricedUsage['quantities']) => usage.map((u) => u.quantities[key]);
  const columns = `tenant_id, usage_id, source, event_id, trace_id, span_id, session_id, step, occurred_at, ${DIMS}, model_reported,
    input_tokens, output_tokens, cached_input_tokens, cache_creation_tokens, cache_creation_1h_tokens, reasoning_tokens,
    audio_input_tokens, audio_output_tokens, images_input, images_output, requests, batch, cost, cost_lines, catalog_version,
    override_id, tier_above_input_tokens, unpriced_reason`;
  const types = [
    ...['text', 'text', 'text', 'uuid', 'text', 'text', 'text', 'text', 'timestamptz'],
    ...DIMENSIONS.map(() => 'text'),
    'text',
    ...Array(8).fill('bigint'),
    ...['int', 'int', 'int', 'boolean', 'numeric', 'jsonb', 'uuid', 'uuid', 'int', 'text'],
  ];
  const values: unknown[][] = [
    usage.map((u) => u.tenantId),
    usage.map((u) => u.usageId),
    usage.map((u) => u.source),
    usage.map((u) => u.eventId),
    usage.map((u) => u.traceId),
    usage.map((u) => u.spanId),
    usage.map((u) => u.sessionId),
    usage.map((u) => u.step),
    usage.map((u) => u.occurredAt.toISOString()),
    dim('workflow'),
    dim('product'),
    dim('environment'),
    dim('team'),
    dim('agent'),
    dim('modelRoute'),
    dim('provider'),
    usage.map((u) => u.model),
    dim('policyClass'),
    usage.map((u) => u.modelReported),
    q('input'),
    q('output'),
    q('cachedInput'),
    q('cacheCreation'),
    q('cacheCreation1h'),
    q('reasoning'),
    q('audioInput'),
    q('audioOutput'),
    q('imagesInput'),
    q('imagesOutput'),
    q('requests'),
    usage.map((u) => u.batch),
    usage.map((u) => costText(u)),
    usage.map((u) => (u.lines ? JSON.stringify(u.lines) : null)),
    usage.map((u) => u.catalogVersion),
    usage.map((u) => u.overrideId),
    usage.map((u) => u.tierAboveInputTokens),
    usage.map((u) => u.unpricedReason),
  ];
  const unnest = types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  const { rows } = await client.query<{ tenant_id: string; usage_id: string }>(
    `WITH inserted AS (
       INSERT INTO ${s}.usage_records (${columns}, priced)
       SELECT *, cost IS NOT NULL FROM unnest(${unnest}) AS u(${columns})
       ON CONFLICT (tenant_id, usage_id) DO NOTHING
       RETURNING ${RETURNED}
     ), hourly AS (${rollupUpsert(s, 'cost_rollup_hourly', 'hour')}), daily AS (${rollupUpsert(s, 'cost_rollup_daily', 'day')}),
     spend AS (${workflowSpendUpsert(s)})
     SELECT tenant_id, usage_id FROM inserted`,
    values,
  );
  const fresh = new Set(rows.map((r) => `${r.tenant_id}\u0000${r.usage_id}`));
  return usage.filter((u) => fresh.has(`${u.tenantId}\u0000${u.usageId}`));
}
