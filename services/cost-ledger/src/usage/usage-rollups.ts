import { ident } from '@estate/projection';
import type { PoolClient } from 'pg';
import { RollupDeltas } from './rollup-deltas';

const DIMS = 'workflow, product, environment, team, agent, model_route, provider, model, policy_class';
const MEASURES = 'calls, unpriced_calls, input_tokens, output_tokens, cached_input_tokens, cache_creation_tokens, reasoning_tokens, cost';
const DELTA_TYPES = ['text', 'timestamptz', ...Array(9).fill('text'), ...Array(7).fill('bigint'), 'numeric'];

function onConflictAdd(table: string): string {
  return `ON CONFLICT (tenant_id, bucket, ${DIMS}) DO UPDATE SET
      calls = ${table}.calls + excluded.calls,
      unpriced_calls = ${table}.unpriced_calls + excluded.unpriced_calls,
      input_tokens = ${table}.input_tokens + excluded.input_tokens,
      output_tokens = ${table}.output_tokens + excluded.output_tokens,
      cached_input_tokens = ${table}.cached_input_tokens + excluded.cached_input_tokens,
      cache_creation_tokens = ${table}.cache_creation_tokens + excluded.cache_creation_tokens,
      reasoning_tokens = ${table}.reasoning_tokens + excluded.reasoning_tokens,
      cost = ${table}.cost + excluded.cost`;
}

/**
 * Adds a batch's hourly increments to the hourly rollup, their sums per UTC
 * day to the daily rollup, and the priced cost per workflow and hour to
 * `workflow_hourly_spend`, with one statement. Each rollup row is therefore
 * upserted once per batch whatever the number of insert chunks. An hourly
 * increment with calls > unpriced_calls has at least one priced call, and
 * its cost is the sum of the priced calls alone.
 *
 * Each table's rows are upserted in key order. Two batches applied at once
 * (from different partitions) then take their row locks in the same order,
 * so one waits for the other instead of deadlocking.
 */
export async function upsertRollups(client: PoolClient, schema: string, deltas: RollupDeltas): Promise<void> {
  const s = ident(schema);
  const unnest = DELTA_TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  await client.query(
    `WITH delta AS (
       SELECT * FROM unnest(${unnest}) AS d(tenant_id, bucket, ${DIMS}, ${MEASURES})
     ), hourly AS (
       INSERT INTO ${s}.cost_rollup_hourly (tenant_id, bucket, ${DIMS}, ${MEASURES})
       SELECT * FROM delta ORDER BY tenant_id, bucket, ${DIMS}
       ${onConflictAdd('cost_rollup_hourly')}
     ), daily AS (
       INSERT INTO ${s}.cost_rollup_daily (tenant_id, bucket, ${DIMS}, ${MEASURES})
       SELECT tenant_id, date_trunc('day', bucket, 'UTC'), ${DIMS}, sum(calls), sum(unpriced_calls), sum(input_tokens),
         sum(output_tokens), sum(cached_input_tokens), sum(cache_creation_tokens), sum(reasoning_tokens), sum(cost)
       FROM delta GROUP BY 1, 2, ${DIMS} ORDER BY 1, 2, ${DIMS}
       ${onConflictAdd('cost_rollup_daily')}
     )
     INSERT INTO ${s}.workflow_hourly_spend AS w (tenant_id, workflow, hour, cost)
     SELECT tenant_id, workflow, bucket, sum(cost) FROM delta WHERE workflow <> '' AND calls > unpriced_calls GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
     ON CONFLICT (tenant_id, workflow, hour) DO UPDATE SET cost = w.cost + excluded.cost`,
    deltas.encode(),
  );
}
