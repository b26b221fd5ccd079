import { ident } from '@estate/projection';
import type { PoolClient } from 'pg';
import { PricedUsage } from './price-usage';
import { textArrayLiteral } from './postgres-arrays';

const DIMS = 'workflow, product, environment, team, agent, model_route, provider, model, policy_class';

function rollupUpsert(s: string, table: string, unit: 'hour' | 'day'): string {
  return `INSERT INTO ${s}.${table} (tenant_id, bucket, ${DIMS}, calls, unpriced_calls, input_tokens, output_tokens,
      cached_input_tokens, cache_creation_tokens, reasoning_tokens, cost)
    SELECT tenant_id, date_trunc('${unit}', occurred_at, 'UTC'), ${DIMS}, count(*), count(*) FILTER (WHERE NOT priced),
      sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), sum(cache_creation_tokens + cache_creation_1h_tokens),
      sum(reasoning_tokens), coalesce(sum(cost), 0)
    FROM fresh GROUP BY 1, 2, ${DIMS}
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

function workflowSpendUpsert(s: string): string {
  return `INSERT INTO ${s}.workflow_hourly_spend AS w (tenant_id, workflow, hour, cost)
    SELECT tenant_id, workflow, date_trunc('hour', occurred_at, 'UTC'), sum(cost)
    FROM fresh WHERE priced AND workflow <> '' GROUP BY 1, 2, 3
    ON CONFLICT (tenant_id, workflow, hour) DO UPDATE SET cost = w.cost + excluded.cost`;
}

/**
 * Folds newly inserted usage into the hourly and daily rollups and the
 * workflow-hour spend with one statement, so each rollup row is upserted
 * once per batch whatever the number of insert chunks. The rows are read
 * back from `usage_records` by key, so the sums are Postgres's own.
 */
export async function upsertRollups(client: PoolClient, schema: string, inserted: PricedUsage[]): Promise<void> {
  if (inserted.length === 0) return;
  const s = ident(schema);
  await client.query(
    // LIMIT 1 keeps the lookup a nested loop over the primary key: joined as a plain table, the planner
    // can pick a hash join over a scan of the whole usage table.
    `WITH fresh AS MATERIALIZED (
       SELECT u.* FROM unnest($1::text[], $2::text[]) AS k(tenant_id, usage_id)
       CROSS JOIN LATERAL (
         SELECT tenant_id, occurred_at, ${DIMS}, priced, input_tokens, output_tokens, cached_input_tokens,
           cache_creation_tokens, cache_creation_1h_tokens, reasoning_tokens, cost
         FROM ${s}.usage_records r WHERE r.tenant_id = k.tenant_id AND r.usage_id = k.usage_id LIMIT 1) u
     ), hourly AS (${rollupUpsert(s, 'cost_rollup_hourly', 'hour')}), daily AS (${rollupUpsert(s, 'cost_rollup_daily', 'day')})
     ${workflowSpendUpsert(s)}`,
    [textArrayLiteral(inserted.map((u) => u.tenantId)), textArrayLiteral(inserted.map((u) => u.usageId))],
  );
}
