/**
 * Prices and projects usage events through the cost ledger's projection
 * (pricing, usage insert, rollups, budgets, signals) in batches of 1,000
 * inside transactions, as the projection runner does, and prints usage
 * records per second. WORKERS batches are applied at once on their own
 * connections, as many as the runner applies partitions at once (the
 * projection's partitionConcurrency). Kafka is left out so the figure is the
 * ledger's own work. The records are applied in ROUNDS consecutive rounds of equal size
 * on one growing schema, so the spread across rounds shows both noise and
 * any slowdown as the tables grow. Uses a fresh schema and drops it
 * afterwards. Ends with a BENCH_RESULT line; RECORDS, BATCH, ROUNDS and
 * WORKERS size the run.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/usage-pricing.ts
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createEnvelope, EventEnvelope, UsageRecordedV1 } from '@estate/contracts';
import { DEFAULT_SIGNAL_THRESHOLDS } from '@estate/pricing';
import { ident } from '@estate/projection';
import { runMigrations } from '@estate/service-kit';
import { Pool, PoolClient } from 'pg';
import { migrations } from '../services/cost-ledger/src/migrations';
import { PriceBooks } from '../services/cost-ledger/src/pricing/price-books';
import { UsagePricingProjection } from '../services/cost-ledger/src/usage/usage-projection';
import { DefaultCatalogLoader } from '../services/cost-ledger/src/pricing/default-catalog';
import { createLogger } from '@estate/telemetry';
import { printBenchResult, sizeFromEnv } from './suite/bench-result';
import { databaseUrl } from './suite/environment';
import { round, summarize } from './suite/stats';

const RECORDS = sizeFromEnv('RECORDS', 100_000);
const BATCH = sizeFromEnv('BATCH', 1000);
const ROUNDS = sizeFromEnv('ROUNDS', 5);
// As many workers as the projection applies partitions at once.
const WORKERS = sizeFromEnv('WORKERS', new UsagePricingProjection(new PriceBooks('unused'), DEFAULT_SIGNAL_THRESHOLDS).partitionConcurrency);
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5-20250929', 'gemini/gemini-2.5-flash', 'o3-mini'];

/**
 * Builds the events numbered from `first` up to `end`. Each round builds its
 * own before its clock starts, so the heap contains one round, not the whole
 * run, as a runner keeps one batch per partition.
 */
function usageEvents(first: number, end: number): EventEnvelope[] {
  return Array.from({ length: end - first }, (_, offset) => usageEvent(first + offset));
}

function usageEvent(i: number): EventEnvelope {
  return createEnvelope({
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
  });
}

/**
 * CPU milliseconds used so far by the Postgres backend serving `client`, read
 * from /proc. Returns null when the server runs in another process namespace
 * (a container), where its process id is not visible.
 */
async function backendCpuReader(client: PoolClient): Promise<() => number | null> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  // /proc reports CPU time in clock ticks of 1/100 s (USER_HZ on Linux).
  const msPerTick = 10;
  return () => {
    try {
      const fields = readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * msPerTick;
    } catch {
      return null;
    }
  };
}

/** Sums the CPU time of every client's backend; null when any is not visible. */
async function backendsCpuReader(clients: PoolClient[]): Promise<() => number | null> {
  const readers = await Promise.all(clients.map(backendCpuReader));
  return () => {
    let total = 0;
    for (const read of readers) {
      const ms = read();
      if (ms === null) return null;
      total += ms;
    }
    return total;
  };
}

/**
 * Applies the events in batches, one transaction each. Every client is a
 * worker that takes the next batch when it is free, as the runner's
 * concurrently consumed partitions do when all of them hold a backlog.
 */
async function applyInBatches(projection: UsagePricingProjection, schema: string, clients: PoolClient[], events: EventEnvelope[]): Promise<void> {
  let next = 0;
  const worker = async (client: PoolClient): Promise<void> => {
    while (next < events.length) {
      const batch = events.slice(next, next + BATCH);
      next += BATCH;
      await client.query('BEGIN');
      await projection.apply(batch, { client, schema });
      await client.query('COMMIT');
    }
  };
  await Promise.all(clients.map(worker));
}

const loadAverage = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const url = databaseUrl();
  const schema = `bench_pricing_${Date.now().toString(36)}`;
  const pool = new Pool({ connectionString: url, max: 1 + WORKERS });
  try {
    await runMigrations(url, schema, migrations);
    const logger = createLogger('bench', 'warn');
    await new DefaultCatalogLoader(pool, { schema } as never, logger).onModuleInit();
    const projection = new UsagePricingProjection(new PriceBooks(schema), DEFAULT_SIGNAL_THRESHOLDS);
    const perRound = Math.ceil(RECORDS / ROUNDS / BATCH) * BATCH;
    console.log(`usage pricing: ${RECORDS} records in batches of ${BATCH}, ${ROUNDS} rounds, ${WORKERS} batches at once; load average at start ${loadAverage()}`);

    // Each worker keeps one client for the whole run, as a runner's partition does, so its backend's CPU time can be read.
    const clients: PoolClient[] = [];
    const rates: number[] = [];
    let seconds = 0;
    let nodeCpuMs = 0;
    let postgresCpuMs: number | null = 0;
    try {
      for (let w = 0; w < WORKERS; w += 1) clients.push(await pool.connect());
      const backendCpu = await backendsCpuReader(clients);
      for (let start = 0; start < RECORDS; start += perRound) {
        const roundEvents = usageEvents(start, Math.min(start + perRound, RECORDS));
        const cpuBefore = process.cpuUsage();
        const backendBefore = backendCpu();
        const started = process.hrtime.bigint();
        await applyInBatches(projection, schema, clients, roundEvents);
        const roundSeconds = Number(process.hrtime.bigint() - started) / 1e9;
        const cpu = process.cpuUsage(cpuBefore);
        const backendAfter = backendCpu();
        seconds += roundSeconds;
        nodeCpuMs += (cpu.user + cpu.system) / 1000;
        postgresCpuMs = postgresCpuMs === null || backendBefore === null || backendAfter === null ? null : postgresCpuMs + backendAfter - backendBefore;
        rates.push(Math.round(roundEvents.length / roundSeconds));
        console.log(`round ${rates.length}: ${roundEvents.length} records in ${roundSeconds.toFixed(2)} s = ${rates[rates.length - 1]} records/s`);
      }
    } finally {
      for (const client of clients) client.release();
    }

    const { rows } = await pool.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE priced)::int AS priced FROM ${ident(schema)}.usage_records`);
    const recordsPerSecond = Math.round(rows[0].n / seconds);
    const rounds = summarize(rates);
    const nodeMicros = round((nodeCpuMs * 1000) / rows[0].n);
    const postgresMicros = postgresCpuMs === null ? null : round((postgresCpuMs * 1000) / rows[0].n);
    console.log(`usage records priced and projected: ${rows[0].n} (${rows[0].priced} priced) in ${seconds.toFixed(2)} s = ${recordsPerSecond} records/s`);
    console.log(`rounds: median ${rounds.median}, min ${rounds.min}, max ${rounds.max} records/s`);
    console.log(`CPU per record: Node ${nodeMicros} µs, Postgres backends ${postgresMicros ?? 'not visible'} µs; load average at end ${loadAverage()}`);
    printBenchResult({
      records_per_second: recordsPerSecond,
      batch_size: BATCH,
      workers: WORKERS,
      records: rows[0].n,
      priced: rows[0].priced,
      seconds: Number(seconds.toFixed(3)),
      rounds,
      node_cpu_us_per_record: nodeMicros,
      postgres_cpu_us_per_record: postgresMicros,
      load_average: loadavg().map((l) => Number(l.toFixed(2))),
    });
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
