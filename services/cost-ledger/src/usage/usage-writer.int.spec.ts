import { createEnvelope, EventEnvelope, UsageRecorded, UsageRecordedV1 } from '@estate/contracts';
import { DEFAULT_SIGNAL_THRESHOLDS } from '@estate/pricing';
import { ident } from '@estate/projection';
import { runMigrations } from '@estate/service-kit';
import { createLogger } from '@estate/telemetry';
import { testInfrastructure, uniqueSuffix } from '@estate/testing';
import { Pool } from 'pg';
import { migrations } from '../migrations';
import { DefaultCatalogLoader } from '../pricing/default-catalog';
import { PriceBooks } from '../pricing/price-books';
import { UsagePricingProjection } from './usage-projection';
import { INSERT_CHUNK } from './usage-writer';

jest.setTimeout(120_000);

const MODELS = ['gpt-4o', 'claude-sonnet-4-5-20250929', 'house-model-7b', 'o3-mini'];
const HOUR = 3_600_000;

/** Calls spread over a few hours and dimension combinations, with unknown models, calls without a workflow and text that needs quoting. */
function usageEvents(count: number): EventEnvelope[] {
  const start = Date.UTC(2026, 0, 5, 22);
  return Array.from({ length: count }, (_, i) =>
    createEnvelope({
      type: UsageRecordedV1.type,
      schemaVersion: 1,
      tenantId: `tenant-${i % 2}`,
      producer: 'test',
      key: `u-${i}`,
      payload: {
        usageId: `u-${i}`,
        occurredAt: new Date(start + (i % 5) * HOUR + i * 1000).toISOString(),
        model: MODELS[i % MODELS.length],
        workflow: i % 9 === 0 ? undefined : `wf-${i % 3}`,
        team: i % 11 === 0 ? 'team "quoted", {braced} \\ NULL' : `team-${i % 4}`,
        usage: { input: 100 + i, cachedInput: i % 50, output: 10 + (i % 70), reasoning: i % 3 === 0 ? 5 : 0 },
      },
    }),
  );
}

describe('usage writer against Postgres', () => {
  const infra = testInfrastructure();
  const pool = new Pool({ connectionString: infra.databaseUrl, max: 4 });
  const schemas: string[] = [];

  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
    await pool.end();
  });

  async function ledger(): Promise<{ schema: string; projection: UsagePricingProjection }> {
    const schema = `test_usage_writer_${uniqueSuffix()}`;
    schemas.push(schema);
    await runMigrations(infra.databaseUrl, schema, migrations);
    await new DefaultCatalogLoader(pool, { schema } as never, createLogger('usage-writer-test', 'warn')).onModuleInit();
    return { schema, projection: new UsagePricingProjection(new PriceBooks(schema), DEFAULT_SIGNAL_THRESHOLDS) };
  }

  async function applyInBatches(target: { schema: string; projection: UsagePricingProjection }, batches: EventEnvelope[][]): Promise<void> {
    for (const batch of batches) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await target.projection.apply(batch, { client, schema: target.schema });
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    }
  }

  /** Applies each batch in its own transaction, all at once, as the runner does for concurrently consumed partitions. */
  async function applyAtOnce(target: { schema: string; projection: UsagePricingProjection }, batches: EventEnvelope[][]): Promise<void> {
    await Promise.all(batches.map((batch) => applyInBatches(target, [batch])));
  }

  /** Rollup rows that differ from a fresh aggregation of the stored usage rows. */
  async function rollupMismatches(schema: string, table: string, unit: 'hour' | 'day'): Promise<number> {
    const s = ident(schema);
    const dims = 'workflow, product, environment, team, agent, model_route, provider, model, policy_class';
    const { rows } = await pool.query<{ n: number }>(
      `WITH expected AS (
         SELECT tenant_id, date_trunc('${unit}', occurred_at, 'UTC') AS bucket, ${dims}, count(*) AS calls,
           count(*) FILTER (WHERE NOT priced) AS unpriced_calls, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
           sum(cached_input_tokens) AS cached_input_tokens, sum(cache_creation_tokens + cache_creation_1h_tokens) AS cache_creation_tokens,
           sum(reasoning_tokens) AS reasoning_tokens, coalesce(sum(cost), 0)::text AS cost
         FROM ${s}.usage_records GROUP BY 1, 2, ${dims}
       ), stored AS (
         SELECT tenant_id, bucket, ${dims}, calls, unpriced_calls, input_tokens, output_tokens, cached_input_tokens,
           cache_creation_tokens, reasoning_tokens, cost::text AS cost FROM ${s}.${table}
       )
       SELECT ((SELECT count(*) FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM stored) a)
         + (SELECT count(*) FROM (SELECT * FROM stored EXCEPT ALL SELECT * FROM expected) b))::int AS n`,
    );
    return rows[0].n;
  }

  /** Every row as text, less the catalog version id, which each schema's catalog import draws anew. */
  async function tableText(schema: string, table: string): Promise<string[]> {
    const { rows } = await pool.query<{ line: string }>(`SELECT (to_jsonb(t) - 'catalog_version')::text AS line FROM ${ident(schema)}.${table} t ORDER BY 1`);
    return rows.map((r) => r.line);
  }

  it('prices each call once across chunks and redelivery', async () => {
    const events = usageEvents(INSERT_CHUNK * 2 + 37);
    const target = await ledger();
    // The third batch redelivers calls the first two stored, followed by new ones.
    await applyInBatches(target, [events.slice(0, 300), events.slice(300, 450), events.slice(100)]);

    const s = ident(target.schema);
    const { rows } = await pool.query<{ n: number; priced: number; quoted: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE priced)::int AS priced,
         count(*) FILTER (WHERE team = 'team "quoted", {braced} \\ NULL')::int AS quoted FROM ${s}.usage_records`,
    );
    expect(rows[0].n).toBe(events.length);
    const unknownModel = events.filter((e) => (e.payload as UsageRecorded).model === 'house-model-7b').length;
    expect(rows[0].priced).toBe(events.length - unknownModel);
    expect(rows[0].quoted).toBe(Math.ceil(events.length / 11));
    expect(await rollupMismatches(target.schema, 'cost_rollup_hourly', 'hour')).toBe(0);
    expect(await rollupMismatches(target.schema, 'cost_rollup_daily', 'day')).toBe(0);

    const spend = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT tenant_id, workflow, date_trunc('hour', occurred_at, 'UTC') AS hour, sum(cost)::text AS cost
         FROM ${s}.usage_records WHERE priced AND workflow <> '' GROUP BY 1, 2, 3
         EXCEPT ALL SELECT tenant_id, workflow, hour, cost::text FROM ${s}.workflow_hourly_spend) missing`,
    );
    expect(spend.rows[0].n).toBe(0);
  });

  it('stores the same rows whatever the batch size', async () => {
    const events = usageEvents(INSERT_CHUNK + 90);
    const oneBatch = await ledger();
    const smallBatches = await ledger();
    await applyInBatches(oneBatch, [events]);
    await applyInBatches(smallBatches, [events.slice(0, 40), events.slice(40, 41), events.slice(41)]);

    for (const table of ['usage_records', 'cost_rollup_hourly', 'cost_rollup_daily', 'workflow_hourly_spend', 'workflow_prompt_stats']) {
      expect([table, await tableText(smallBatches.schema, table)]).toEqual([table, await tableText(oneBatch.schema, table)]);
    }
  });

  it('concurrent overlapping batches keep totals', async () => {
    const events = usageEvents(600);
    const target = await ledger();
    expect(target.projection.partitionConcurrency).toBeGreaterThan(1);
    // Overlapping usage ids in opposite orders: each transaction must wait for the others, never deadlock.
    const reversed = events.slice(200, 600).reverse();
    const interleaved = [...events.slice(100, 300), ...events.slice(0, 100).reverse(), ...events.slice(450, 500)];
    await applyAtOnce(target, [events.slice(0, 400), reversed, interleaved]);

    const s = ident(target.schema);
    const { rows } = await pool.query<{ n: number; distinct_ids: number }>(`SELECT count(*)::int AS n, count(DISTINCT (tenant_id, usage_id))::int AS distinct_ids FROM ${s}.usage_records`);
    expect(rows[0]).toEqual({ n: events.length, distinct_ids: events.length });
    expect(await rollupMismatches(target.schema, 'cost_rollup_hourly', 'hour')).toBe(0);
    expect(await rollupMismatches(target.schema, 'cost_rollup_daily', 'day')).toBe(0);

    const oneBatch = await ledger();
    await applyInBatches(oneBatch, [events]);
    for (const table of ['usage_records', 'cost_rollup_hourly', 'cost_rollup_daily', 'workflow_hourly_spend', 'workflow_prompt_stats']) {
      expect([table, await tableText(target.schema, table)]).toEqual([table, await tableText(oneBatch.schema, table)]);
    }
  });
});
