/**
 * Prices and projects usage events through the cost ledger's projection
 * (pricing, usage insert, rollups, budgets, signals) in batches of 1,000
 * inside transactions, as the projection runner does, and prints usage
 * records per second. Kafka is left out so the figure is the ledger's own
 * work. Uses a fresh schema and drops it afterwards. Ends with a
 * BENCH_RESULT line; RECORDS and BATCH size the run.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/usage-pricing.ts
 */
import { createEnvelope, EventEnvelope, UsageRecordedV1 } from '@estate/contracts';
import { DEFAULT_SIGNAL_THRESHOLDS } from '@estate/pricing';
import { ident } from '@estate/projection';
import { runMigrations } from '@estate/service-kit';
import { Pool } from 'pg';
import { migrations } from '../services/cost-ledger/src/migrations';
import { PriceBooks } from '../services/cost-ledger/src/pricing/price-books';
import { UsagePricingProjection } from '../services/cost-ledger/src/usage/usage-projection';
import { DefaultCatalogLoader } from '../services/cost-ledger/src/pricing/default-catalog';
import { createLogger } from '@estate/telemetry';
import { printBenchResult, sizeFromEnv } from './suite/bench-result';

const RECORDS = sizeFromEnv('RECORDS', 100_000);
const BATCH = sizeFromEnv('BATCH', 1000);
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5-20250929', 'gemini/gemini-2.5-flash', 'o3-mini'];

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/estate';
  const schema = `bench_pricing_${Date.now().toString(36)}`;
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  try {
    await runMigrations(databaseUrl, schema, migrations);
    const logger = createLogger('bench', 'warn');
    await new DefaultCatalogLoader(pool, { schema } as never, logger).onModuleInit();
    const projection = new UsagePricingProjection(new PriceBooks(schema), DEFAULT_SIGNAL_THRESHOLDS);

    const events: EventEnvelope[] = Array.from({ length: RECORDS }, (_, i) =>
      createEnvelope({
        type: UsageRecordedV1.type,
        schemaVersion: 1,
        tenantId: `tenant-${i % 4}`,
        producer: 'bench',
        key: `u-${i}`,
        payload: {
          usageId: `u-${i}`,
          occurredAt: new Date(Date.now() - (i % 10_000) * 60_000).toISOString(),
          model: MODELS[i % MODELS.length],
          workflow: `wf-${i % 40}`,
          team: `team-${i % 7}`,
          environment: i % 3 === 0 ? 'staging' : 'prod',
          usage: { input: 500 + (i % 2000), cachedInput: i % 300, output: 50 + (i % 400), reasoning: i % 5 === 4 ? 20 : 0 },
        },
      }),
    );

    const started = process.hrtime.bigint();
    for (let i = 0; i < events.length; i += BATCH) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await projection.apply(events.slice(i, i + BATCH), { client, schema });
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { rows } = await pool.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE priced)::int AS priced FROM ${ident(schema)}.usage_records`);
    const recordsPerSecond = Math.round(rows[0].n / seconds);
    console.log(`usage records priced and projected: ${rows[0].n} (${rows[0].priced} priced) in ${seconds.toFixed(2)} s = ${recordsPerSecond} records/s`);
    printBenchResult({ records_per_second: recordsPerSecond, batch_size: BATCH, records: rows[0].n, priced: rows[0].priced, seconds: Number(seconds.toFixed(3)) });
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
