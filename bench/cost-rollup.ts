/**
 * Loads 10 million usage rows into a fresh schema, generated in SQL with
 * generate_series over 30 days, 200 workflows and 8 models. Folds them into
 * the hourly and daily rollups with the same GROUP BY the usage projection
 * runs. Then prints p50 and p99 latency of a 7-day cost query grouped by
 * workflow, through the API's query code, and drops the schema. Ends with
 * a BENCH_RESULT line.
 *
 *   ROWS=10000000 npx ts-node -r tsconfig-paths/register --transpile-only bench/cost-rollup.ts
 */
import { ident } from '@estate/projection';
import { runMigrations } from '@estate/service-kit';
import { Pool } from 'pg';
import { queryCosts } from '../services/cost-ledger/src/api/cost-query';
import { migrations } from '../services/cost-ledger/src/migrations';
import { printBenchResult, sizeFromEnv } from './suite/bench-result';

const ROWS = sizeFromEnv('ROWS', 10_000_000);
const QUERIES = 50;
const DAY_MS = 86_400_000;

function rollupFromRaw(s: string, table: string, unit: string): string {
  return `INSERT INTO ${s}.${table} (tenant_id, bucket, workflow, product, environment, team, agent, model_route, provider, model, policy_class,
      calls, unpriced_calls, input_tokens, output_tokens, cached_input_tokens, cache_creation_tokens, reasoning_tokens, cost)
    SELECT tenant_id, date_trunc('${unit}', occurred_at, 'UTC'), workflow, '', environment, team, '', '', provider, model, '',
      count(*), 0, sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), 0, 0, sum(cost)
    FROM ${s}.raw_usage GROUP BY 1, 2, 3, 5, 6, 9, 10`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/estate';
  const schema = `bench_rollup_${Date.now().toString(36)}`;
  const s = ident(schema);
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  try {
    await runMigrations(databaseUrl, schema, migrations);
    const end = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const start = end - 30 * DAY_MS;

    let t = Date.now();
    await pool.query(`CREATE UNLOGGED TABLE ${s}.raw_usage AS
      SELECT 'bench-tenant'::text AS tenant_id,
             to_timestamp(${start / 1000} + (g * 2592000.0 / ${ROWS})) AS occurred_at,
             'wf-' || (g % 200) AS workflow, CASE WHEN g % 3 = 0 THEN 'staging' ELSE 'prod' END AS environment,
             'team-' || (g % 12) AS team, 'openai' AS provider, 'model-' || (g % 8) AS model,
             (500 + g % 3000)::bigint AS input_tokens, (50 + g % 700)::bigint AS output_tokens, (g % 400)::bigint AS cached_input_tokens,
             ((500 + g % 3000) * 0.0000025 + (50 + g % 700) * 0.00001)::numeric AS cost
      FROM generate_series(1, ${ROWS}) AS g`);
    console.log(`generated ${ROWS} usage rows in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    t = Date.now();
    await pool.query(rollupFromRaw(s, 'cost_rollup_hourly', 'hour'));
    await pool.query(rollupFromRaw(s, 'cost_rollup_daily', 'day'));
    await pool.query(`ANALYZE ${s}.cost_rollup_hourly; ANALYZE ${s}.cost_rollup_daily`);
    const counts = await pool.query(`SELECT (SELECT count(*) FROM ${s}.cost_rollup_hourly)::int AS hourly, (SELECT count(*) FROM ${s}.cost_rollup_daily)::int AS daily`);
    console.log(`rollups built in ${((Date.now() - t) / 1000).toFixed(1)} s: ${counts.rows[0].hourly} hourly rows, ${counts.rows[0].daily} daily rows`);

    const result: Record<string, unknown> = { rows: ROWS, hourly_rows: counts.rows[0].hourly, daily_rows: counts.rows[0].daily, queries: QUERIES };
    for (const [label, rollup, from, to] of [
      ['7 days, whole days (daily rollup)', 'daily', new Date(end - 7 * DAY_MS), new Date(end)],
      ['7 days, hour-aligned (hourly rollup)', 'hourly', new Date(end - 7 * DAY_MS - 3_600_000), new Date(end - 3_600_000)],
    ] as const) {
      const latencies: number[] = [];
      let groups = 0;
      for (let i = 0; i < QUERIES; i += 1) {
        const began = process.hrtime.bigint();
        const result = await queryCosts(pool, schema, { tenantId: 'bench-tenant', from, to, groupBy: ['workflow'], filters: {} });
        latencies.push(Number(process.hrtime.bigint() - began) / 1e6);
        groups = result.rows.length;
      }
      latencies.sort((a, b) => a - b);
      const p50 = Number(percentile(latencies, 50).toFixed(1));
      const p99 = Number(percentile(latencies, 99).toFixed(1));
      console.log(`${label}, grouped by workflow (${groups} groups, ${QUERIES} runs): p50 ${p50} ms, p99 ${p99} ms`);
      result[`${rollup}_p50_ms`] = p50;
      result[`${rollup}_p99_ms`] = p99;
      result[`${rollup}_groups`] = groups;
    }
    printBenchResult(result);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
