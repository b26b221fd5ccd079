import { ident } from '@estate/projection';
import type { PoolClient } from 'pg';
import { RollupDeltas } from './rollup-deltas';

const DIMS = 'workflow, product, environment, team, agent, model_route, provider, model, policy_class';
const ROLLUP_TYPES = ['text', 'timestamptz', ...Array(9).fill('text'), ...Array(7).fill('bigint'), 'numeric'];

function rollupUpsert(s: string, table: string, firstParameter: number): string {
  const unnest = ROLLUP_TYPES.map((type, i) => `$${firstParameter + i}::${type}[]`).join(', ');
  return `INSERT INTO ${s}.${table} (tenant_id, bucket, ${DIMS}, calls, unpriced_calls, input_tokens, output_tokens,
      cached_input_tokens, cache_creation_tokens, reasoning_tokens, cost)
    SELECT * FROM unnest(${unnest})
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

function workflowSpendUpsert(s: string, firstParameter: number): string {
  const [tenant, workflow, hour, cost] = [0, 1, 2, 3].map((i) => `$${firstParameter + i}`);
  return `INSERT INTO ${s}.workflow_hourly_spend AS w (tenant_id, workflow, hour, cost)
    SELECT * FROM unnest(${tenant}::text[], ${workflow}::text[], ${hour}::timestamptz[], ${cost}::numeric[])
    ON CONFLICT (tenant_id, workflow, hour) DO UPDATE SET cost = w.cost + excluded.cost`;
}

/**
 * Adds a batch's rollup increments to the hourly and daily rollups and the
 * workflow-hour spend with one statement, so each rollup row is upserted
 * once per batch whatever the number of insert chunks.
 */
export async function upsertRollups(client: PoolClient, schema: string, deltas: RollupDeltas): Promise<void> {
  const s = ident(schema);
  const daily = 1 + ROLLUP_TYPES.length;
  const spend = daily + ROLLUP_TYPES.length;
  await client.query(
    `WITH hourly AS (${rollupUpsert(s, 'cost_rollup_hourly', 1)}), daily AS (${rollupUpsert(s, 'cost_rollup_daily', daily)})
     ${workflowSpendUpsert(s, spend)}`,
    deltas.encode(),
  );
}
