/**
 * Canonical spans per second projected into Postgres through the real
 * ProjectionRunner (one Postgres transaction per fetched batch, offsets and
 * event ids stored with the rows), then the rebuild rate of the same model
 * with rebuildAndCompare. Uses trace-ingest's span projection when the
 * service provides it, otherwise the counter fixture projection (the result
 * names which). The suite divides both rates by the COPY limit.
 * Sizes: PROJECTION_EVENTS (default 5000 events of 4 spans), BENCH_ROUNDS
 * (default 3). Run: npx ts-node bench/projection-throughput.ts
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeEvent, EventEnvelope, Topics } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { ident, Projection, projectionBookkeepingDdl, ProjectionContext, ProjectionRunner, readStoredOffsets, rebuildAndCompare } from '@estate/projection';
import { createLogger } from '@estate/telemetry';
import { Pool } from 'pg';
import { counterDdl, counterEvent, CounterProjection, COUNTER_TOPIC_PREFIX } from '../libs/testing/src/counter-fixture';
import { printBenchResult, sizeFromEnv } from './suite/bench-result';
import { databaseUrl, freshBenchTopic, kafkaBrokers, uniqueSuffix } from './suite/environment';
import { encodedSpanEvents, SPANS_PER_TRACE } from './suite/span-fixtures';
import { spanTableDdl } from './suite/span-table';
import { summarize } from './suite/stats';

const EVENTS = sizeFromEnv('PROJECTION_EVENTS', 5000);
const ROUNDS = sizeFromEnv('BENCH_ROUNDS', 3);
const CATCH_UP_TIMEOUT_MS = 300_000;
const TRACE_PROJECTION = join(__dirname, '../services/trace-ingest/src/records/trace-projection.ts');
const logger = createLogger('bench-projection', 'warn');

interface Subject {
  kind: 'trace-ingest spans' | 'counter fixture';
  topic: string;
  /** Rows the read model receives per event: spans for the span projection, one counter event otherwise. */
  rowsPerEvent: number;
  projection: Projection;
  /** Creates the schema and its tables. */
  migrate: (pool: Pool, schema: string) => Promise<void>;
}

/** Records when the runner first applies a batch, so group join and first fetch stay out of the rate. */
class TimedProjection implements Projection {
  firstApply?: bigint;
  constructor(private readonly inner: Projection) {}
  get name() { return this.inner.name; }
  get topics() { return this.inner.topics; }
  get handles() { return this.inner.handles; }
  get tables() { return this.inner.tables; }
  apply(events: EventEnvelope[], context: ProjectionContext): Promise<void> {
    this.firstApply ??= process.hrtime.bigint();
    return this.inner.apply(events, context);
  }
}

async function prepareSubject(bus: KafkaBus): Promise<Subject> {
  if (existsSync(TRACE_PROJECTION)) {
    const { TraceProjection } = require(TRACE_PROJECTION) as { TraceProjection: new (topics: string[]) => Projection };
    const topic = await freshBenchTopic(bus, `${Topics.spans}.bench`, 6);
    for (let sent = 0; sent < EVENTS; sent += 500) await bus.send(encodedSpanEvents(Math.min(500, EVENTS - sent), 'tenant-bench', topic));
    const migrate = async (pool: Pool, schema: string) => {
      await pool.query(`CREATE SCHEMA ${ident(schema)}`);
      for (const statement of [...projectionBookkeepingDdl(schema), ...spanTableDdl(schema).statements]) await pool.query(statement);
    };
    return { kind: 'trace-ingest spans', topic, rowsPerEvent: SPANS_PER_TRACE, projection: new TraceProjection([topic]), migrate };
  }
  const topic = await freshBenchTopic(bus, `${COUNTER_TOPIC_PREFIX}.bench`, 6);
  for (let sent = 0; sent < EVENTS; sent += 500) {
    const events = Array.from({ length: Math.min(500, EVENTS - sent) }, (_, i) => ({ ...encodeEvent(counterEvent('tenant-bench', `c-${(sent + i) % 97}`, 1)), topic }));
    await bus.send(events);
  }
  const migrate = async (pool: Pool, schema: string) => {
    await pool.query(`CREATE SCHEMA ${ident(schema)}`);
    for (const statement of counterDdl(schema)) await pool.query(statement);
  };
  return { kind: 'counter fixture', topic, rowsPerEvent: 1, projection: new CounterProjection([topic]), migrate };
}

async function waitForCatchUp(pool: Pool, schema: string, name: string, target: Map<string, bigint>): Promise<void> {
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
  for (;;) {
    const stored = new Map((await readStoredOffsets(pool, schema, name)).map((s) => [`${s.topic}:${s.partition}`, s.nextOffset]));
    if ([...target].every(([key, high]) => (stored.get(key) ?? 0n) >= high)) return;
    if (Date.now() > deadline) throw new Error(`projection ${name} in ${schema} did not catch up within ${CATCH_UP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function liveRound(bus: KafkaBus, pool: Pool, subject: Subject, schema: string): Promise<number> {
  await subject.migrate(pool, schema);
  const offsets = await bus.topicOffsets(subject.topic);
  const target = new Map(offsets.map((o) => [`${subject.topic}:${o.partition}`, BigInt(o.high)]));
  const timed = new TimedProjection(subject.projection);
  const runner = new ProjectionRunner({ bus, pool, schema, projection: timed, logger, groupId: `estate.bench.${schema}` });
  await runner.start();
  try {
    await waitForCatchUp(pool, schema, subject.projection.name, target);
  } finally {
    await runner.stop();
  }
  const seconds = Number(process.hrtime.bigint() - (timed.firstApply ?? 0n)) / 1e9;
  return (EVENTS * subject.rowsPerEvent) / seconds;
}

async function main(): Promise<void> {
  const bus = new KafkaBus({ clientId: 'bench-projection', brokers: kafkaBrokers() }, logger);
  const pool = new Pool({ connectionString: databaseUrl(), max: 4 });
  const schemas: string[] = [];
  let topic: string | undefined;
  try {
    const subject = await prepareSubject(bus);
    topic = subject.topic;
    console.log(`projection: ${subject.kind}, ${EVENTS} events (${EVENTS * subject.rowsPerEvent} rows), ${ROUNDS} rounds after a warm-up`);
    const live: number[] = [];
    const rebuild: number[] = [];
    let allEqual = true;
    for (let round = 0; round <= ROUNDS; round++) {
      const schema = `bench_projection_${uniqueSuffix()}`;
      schemas.push(schema);
      const liveRate = await liveRound(bus, pool, subject, schema);
      const rebuilt = await rebuildAndCompare({ bus, pool, projection: subject.projection, liveSchema: schema, migrate: (s) => subject.migrate(pool, s), logger });
      allEqual &&= rebuilt.equal;
      const rebuildRate = (rebuilt.events * subject.rowsPerEvent) / rebuilt.seconds;
      console.log(`${round === 0 ? 'warm-up' : `round ${round}`}: live ${liveRate.toFixed(0)} rows/s, rebuild ${rebuildRate.toFixed(0)} rows/s, rebuild equal: ${rebuilt.equal}`);
      if (round > 0) {
        live.push(liveRate);
        rebuild.push(rebuildRate);
      }
    }
    printBenchResult({
      name: 'projection-throughput',
      projection: subject.kind,
      events: EVENTS,
      rowsPerEvent: subject.rowsPerEvent,
      livePerSecond: summarize(live),
      rebuildPerSecond: summarize(rebuild),
      rebuildEqual: allEqual,
    });
  } finally {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
    if (topic) await bus.deleteTopics([topic]).catch((error: unknown) => console.error('deleting benchmark topic failed', error));
    await pool.end();
    await bus.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
