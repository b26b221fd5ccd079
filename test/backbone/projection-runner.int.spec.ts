import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { DEAD_LETTER_TOPIC, DeadLetterRecord, encodeEvent, EventEnvelope } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import {
  COUNTER_TOPIC_PREFIX,
  counterDdl,
  counterEvent,
  CounterProjection,
  MAX_AMOUNT,
  freshSchema,
  freshTopic,
  testInfrastructure,
  uniqueSuffix,
  waitFor,
} from '@estate/testing';
import { Pool } from 'pg';
import { ident, rebuildAndCompare, ProjectionRunner } from '@estate/projection';

jest.setTimeout(180_000);

const WORKER = path.join(__dirname, '../../libs/testing/src/counter-worker.ts');
const TENANT = 'tenant-a';

describe('projection runner against Kafka and Postgres', () => {
  const infra = testInfrastructure();
  const logger = createLogger('runner-test', 'warn');
  const bus = new KafkaBus({ clientId: 'runner-test', brokers: infra.kafkaBrokers }, logger);
  const pool = new Pool({ connectionString: infra.databaseUrl, max: 4 });

  afterAll(async () => {
    await bus.close();
    await pool.end();
  });

  async function setUp(): Promise<{ topic: string; schema: string }> {
    const topic = await freshTopic(bus, COUNTER_TOPIC_PREFIX, 3);
    const schema = await freshSchema(pool, 'counters');
    for (const statement of counterDdl(schema)) await pool.query(statement);
    return { topic, schema };
  }

  function startWorker(topic: string, schema: string, groupId: string, crashInBatch = 0): ChildProcess {
    return spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', WORKER], {
      cwd: path.join(__dirname, '../..'),
      env: { ...process.env, TOPIC: topic, SCHEMA: schema, GROUP_ID: groupId, CRASH_IN_BATCH: String(crashInBatch) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }

  async function publish(topic: string, events: EventEnvelope[]): Promise<void> {
    for (let i = 0; i < events.length; i += 1000) {
      await bus.send(events.slice(i, i + 1000).map((e) => ({ ...encodeEvent(e), topic })));
    }
  }

  const count = async (schema: string, table: string) =>
    Number((await pool.query(`SELECT count(*) AS n FROM ${ident(schema)}.${ident(table)}`)).rows[0].n);

  it('applies 10,000 events exactly once across duplicates and a crash mid-batch', async () => {
    const { topic, schema } = await setUp();
    const events = Array.from({ length: 10_000 }, (_, i) => counterEvent(TENANT, `c-${i % 50}`, (i * 7919) % 100 + 1));
    const expected = new Map<string, number>();
    for (const e of events) expected.set(e.payload.counterId, (expected.get(e.payload.counterId) ?? 0) + e.payload.amount);
    // Every tenth event is delivered a second time, later in the stream, as a producer retry would.
    const redelivered = events.filter((_, i) => i % 10 === 0);
    await publish(topic, [...events.slice(0, 5000), ...redelivered.slice(0, 500), ...events.slice(5000), ...redelivered.slice(500)]);

    const groupId = `test.counters.${uniqueSuffix()}`;
    const crashing = startWorker(topic, schema, groupId, 5);
    const [, signal] = await once(crashing, 'exit');
    expect(signal).toBe('SIGKILL');
    const afterCrash = await count(schema, 'counter_events');
    expect(afterCrash).toBeLessThan(events.length);

    const worker = startWorker(topic, schema, groupId);
    try {
      await waitFor('all events applied', () => count(schema, 'counter_events'), (n) => n >= events.length, { timeoutMs: 120_000 });
      const offsets = await pool.query(`SELECT sum(next_offset) AS n FROM ${ident(schema)}.projection_offsets`);
      await waitFor(
        'offsets stored up to the end of the topic',
        async () => Number((await pool.query(`SELECT sum(next_offset) AS n FROM ${ident(schema)}.projection_offsets`)).rows[0].n),
        (n) => n === events.length + redelivered.length,
        { timeoutMs: 30_000 },
      );
      expect(Number(offsets.rows[0].n)).toBeLessThanOrEqual(events.length + redelivered.length);
    } finally {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
    }

    expect(await count(schema, 'counter_events')).toBe(events.length);
    const totals = await pool.query<{ counter_id: string; total: string; events: number }>(
      `SELECT counter_id, total, events FROM ${ident(schema)}.counters WHERE tenant_id = $1`,
      [TENANT],
    );
    expect(totals.rows).toHaveLength(expected.size);
    for (const row of totals.rows) {
      expect(Number(row.total)).toBe(expected.get(row.counter_id));
      expect(row.events).toBe(events.length / 50);
    }
  });
});

describe('projection runner with poison messages and rebuilds', () => {
  const infra = testInfrastructure();
  const logger = createLogger('runner-test', 'warn');
  const bus = new KafkaBus({ clientId: 'runner-poison-test', brokers: infra.kafkaBrokers }, logger);
  const pool = new Pool({ connectionString: infra.databaseUrl, max: 4 });

  afterAll(async () => {
    await bus.close();
    await pool.end();
  });

  async function setUp(partitions: number): Promise<{ topic: string; schema: string }> {
    const topic = await freshTopic(bus, COUNTER_TOPIC_PREFIX, partitions);
    const schema = await freshSchema(pool, 'counters');
    for (const statement of counterDdl(schema)) await pool.query(statement);
    return { topic, schema };
  }

  const count = async (schema: string, table: string) =>
    Number((await pool.query(`SELECT count(*) AS n FROM ${ident(schema)}.${ident(table)}`)).rows[0].n);

  async function collectDeadLetters(sourceTopic: string, expected: number): Promise<DeadLetterRecord[]> {
    const letters: DeadLetterRecord[] = [];
    const consumer = await bus.consume({
      groupId: `test.dead-letters.${uniqueSuffix()}`,
      topics: [DEAD_LETTER_TOPIC],
      eachBatch: async (batch) => {
        for (const record of batch.records) {
          const letter = JSON.parse(record.value!.toString()) as DeadLetterRecord;
          if (letter.sourceTopic === sourceTopic) letters.push(letter);
        }
      },
    });
    try {
      await waitFor('dead letters', async () => letters.length, (n) => n >= expected, { timeoutMs: 60_000 });
    } finally {
      await consumer.stop();
    }
    return letters;
  }

  it('sends poison records to the dead-letter topic and applies the rest', async () => {
    const { topic, schema } = await setUp(1);
    const good = (n: number) => counterEvent(TENANT, 'c-1', n);
    const invalidPayload = { ...counterEvent(TENANT, 'c-1', 1), payload: { counterId: 'c-1', amount: 'lots' } };
    const failsInPostgres = counterEvent(TENANT, 'c-1', MAX_AMOUNT + 1);
    const garbage = Buffer.from('{not json');
    const values: Buffer[] = [
      ...[1, 2, 3].map((n) => encodeEvent(good(n)).value),
      garbage,
      Buffer.from(JSON.stringify(invalidPayload)),
      encodeEvent(failsInPostgres).value,
      ...[4, 5].map((n) => encodeEvent(good(n)).value),
    ];
    await bus.send(values.map((value) => ({ topic, key: 'c-1', value })));

    const runner = new ProjectionRunner({ bus, pool, schema, projection: new CounterProjection([topic]), logger, groupId: `test.${uniqueSuffix()}` });
    await runner.start();
    try {
      await waitFor('good events applied', () => count(schema, 'counter_events'), (n) => n >= 5);
      const letters = await collectDeadLetters(topic, 3);
      const byOffset = new Map(letters.map((l) => [l.sourceOffset, l]));
      expect(byOffset.get('3')?.code).toBe('malformed_json');
      expect(Buffer.from(byOffset.get('3')!.originalValueBase64!, 'base64').equals(garbage)).toBe(true);
      expect(byOffset.get('4')?.code).toBe('invalid_payload');
      expect(byOffset.get('4')?.reason).toContain('payload.amount');
      expect(byOffset.get('5')?.code).toBe('apply_failed');
      expect(byOffset.get('5')?.reason).toContain('check constraint');
    } finally {
      await runner.stop();
    }
    const total = await pool.query(`SELECT total FROM ${ident(schema)}.counters WHERE counter_id = 'c-1'`);
    expect(Number(total.rows[0].total)).toBe(1 + 2 + 3 + 4 + 5);
    expect(await count(schema, 'counter_events')).toBe(5);
  });

  it('rebuilds a read model equal to the live one and detects a difference', async () => {
    const { topic, schema } = await setUp(3);
    const events = Array.from({ length: 2000 }, (_, i) => counterEvent(i % 2 ? TENANT : 'tenant-b', `c-${i % 17}`, (i % 9) + 1));
    await bus.send(events.map((e) => ({ ...encodeEvent(e), topic })));
    const projection = new CounterProjection([topic]);
    const runner = new ProjectionRunner({ bus, pool, schema, projection, logger, groupId: `test.${uniqueSuffix()}` });
    await runner.start();
    await waitFor('live model caught up', () => count(schema, 'counter_events'), (n) => n === events.length);
    await runner.stop();

    const migrate = async (target: string) => {
      await pool.query(`CREATE SCHEMA ${ident(target)}`);
      for (const statement of counterDdl(target)) await pool.query(statement);
    };
    const same = await rebuildAndCompare({ bus, pool, projection, liveSchema: schema, migrate, logger });
    expect(same.events).toBe(events.length);
    expect(same.differences).toEqual([
      { table: 'counter_events', onlyInLive: 0, onlyInRebuild: 0 },
      { table: 'counters', onlyInLive: 0, onlyInRebuild: 0 },
    ]);
    expect(same.equal).toBe(true);

    await pool.query(`UPDATE ${ident(schema)}.counters SET total = total + 1 WHERE counter_id = 'c-3' AND tenant_id = $1`, [TENANT]);
    const tampered = await rebuildAndCompare({ bus, pool, projection, liveSchema: schema, migrate, logger });
    expect(tampered.equal).toBe(false);
    expect(tampered.differences.find((d) => d.table === 'counters')).toEqual({ table: 'counters', onlyInLive: 1, onlyInRebuild: 1 });
  });
});
