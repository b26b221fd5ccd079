import {
  BusConsumer,
  DEFAULT_KAFKA_CLIENT,
  InboundRecord,
  KAFKA_CLIENTS,
  KafkaBus,
  RecordBatch,
} from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { COUNTER_TOPIC_PREFIX, freshTopic, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';

jest.setTimeout(120_000);

// The same contract, run against every client KAFKA_CLIENT can select.
describe.each(KAFKA_CLIENTS)('KafkaBus on %s', (client) => {
  const infra = testInfrastructure();
  const logger = createLogger(`bus-contract-${client}`, 'warn');
  const bus = new KafkaBus({ clientId: `bus-contract-${client}`, brokers: infra.kafkaBrokers, client }, logger);
  const topics: string[] = [];
  const consumers: BusConsumer[] = [];

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
  });

  afterAll(async () => {
    if (topics.length > 0) await bus.deleteTopics(topics);
    await bus.close();
  });

  async function topic(partitions: number): Promise<string> {
    const name = await freshTopic(bus, COUNTER_TOPIC_PREFIX, partitions);
    topics.push(name);
    return name;
  }

  async function send(name: string, count: number, key = 'aggregate-1'): Promise<void> {
    await bus.send(
      Array.from({ length: count }, (_, i) => ({
        topic: name,
        key,
        value: `value-${i}`,
        headers: { 'event-type': 'testing.counter.incremented', sequence: String(i) },
      })),
    );
  }

  async function consume(
    name: string | string[],
    eachBatch: (batch: RecordBatch) => Promise<void>,
    onAssigned?: Parameters<KafkaBus['consume']>[0]['onAssigned'],
  ): Promise<BusConsumer> {
    const consumer = await bus.consume({
      groupId: `estate.test.bus.${client}.${uniqueSuffix()}`,
      topics: Array.isArray(name) ? name : [name],
      onAssigned,
      eachBatch: async (batch, control) => {
        await eachBatch(batch);
        control.resolveOffset(batch.records[batch.records.length - 1].offset);
      },
    });
    consumers.push(consumer);
    return consumer;
  }

  const sumHigh = async (name: string) => (await bus.topicOffsets(name)).reduce((sum, p) => sum + Number(p.high), 0);

  it('answers ping', async () => {
    await expect(bus.ping()).resolves.toBeUndefined();
  });

  it('creates only missing topics', async () => {
    const name = `${COUNTER_TOPIC_PREFIX}.${uniqueSuffix()}`;
    topics.push(name);

    expect(await bus.ensureTopics([{ name, partitions: 2, retentionMs: 60_000 }])).toEqual([name]);
    expect(await bus.ensureTopics([{ name, partitions: 2, retentionMs: 60_000 }])).toEqual([]);
  });

  it('tolerates concurrent creation of one topic', async () => {
    const name = `${COUNTER_TOPIC_PREFIX}.${uniqueSuffix()}`;
    topics.push(name);

    const results = await Promise.all([1, 2].map(() => bus.ensureTopics([{ name, partitions: 2, retentionMs: 60_000 }])));

    expect(results.flat().every((created) => created === name)).toBe(true);
    expect((await bus.topicOffsets(name)).map((o) => o.partition)).toEqual([0, 1]);
    expect(await bus.ensureTopics([{ name, partitions: 2, retentionMs: 60_000 }])).toEqual([]);
  });

  it('reports offsets per partition as strings', async () => {
    const name = await topic(3);
    await send(name, 5);

    const offsets = await bus.topicOffsets(name);

    expect(offsets.map((o) => o.partition)).toEqual([0, 1, 2]);
    expect(offsets.every((o) => o.low === '0')).toBe(true);
    expect(offsets.map((o) => o.high).sort()).toEqual(['0', '0', '5']);
  });

  it('appends concurrent sends in full', async () => {
    const name = await topic(3);

    await Promise.all(Array.from({ length: 8 }, (_, i) => send(name, 50, `aggregate-${i}`)));

    expect(await sumHigh(name)).toBe(400);
  });

  it('delivers keys, headers and offsets in order', async () => {
    const name = await topic(1);
    await send(name, 20);
    const received: InboundRecord[] = [];

    await consume(name, async (batch) => void received.push(...batch.records));
    await waitFor('20 records', async () => received.length, (n) => n >= 20);

    expect(received.map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(received.map((r) => r.headers.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(received[0].headers['event-type']).toBe('testing.counter.incremented');
    expect(received[0].key?.toString('utf8')).toBe('aggregate-1');
    expect(received[19].value?.toString('utf8')).toBe('value-19');
    expect(received.every((r) => r.topic === name && r.partition === 0)).toBe(true);
  });

  it('seeks on assignment to a stored offset', async () => {
    const name = await topic(1);
    await send(name, 10);
    const received: string[] = [];

    await consume(
      name,
      async (batch) => void received.push(...batch.records.map((r) => r.offset)),
      (assignment, seek) => {
        for (const partition of assignment[name] ?? []) seek(name, partition, '6');
      },
    );
    await waitFor('records from offset 6', async () => received.length, (n) => n >= 4);

    expect(received).toEqual(['6', '7', '8', '9']);
  });

  it('fetches a failed batch again from the committed offset', async () => {
    const name = await topic(1);
    await send(name, 10);
    const attempts: string[][] = [];

    await consume(name, async (batch) => {
      attempts.push(batch.records.map((r) => r.offset));
      if (attempts.length === 1) throw new Error('first batch rejected on purpose');
    });
    const seen = () => new Set(attempts.slice(1).flat());
    await waitFor('every record after the failure', async () => seen().size, (n) => n >= 10);

    expect(attempts[1][0]).toBe(attempts[0][0]);
    expect([...seen()].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
  });

  it('holds a paused topic until resumed', async () => {
    const [paused, running] = [await topic(1), await topic(1)];
    const received = new Map<string, number>([
      [paused, 0],
      [running, 0],
    ]);
    const consumer = await consume([paused, running], async (batch) => {
      received.set(batch.topic, received.get(batch.topic)! + batch.records.length);
    });

    consumer.pause(paused);
    await send(paused, 3);
    await send(running, 3);
    await waitFor('records of the running topic', async () => received.get(running)!, (n) => n >= 3);

    expect(received.get(paused)).toBe(0);

    consumer.resume(paused);
    await waitFor('records of the resumed topic', async () => received.get(paused)!, (n) => n >= 3);
  });

  it('finishes the batch in flight before stopping', async () => {
    const name = await topic(1);
    await send(name, 5);
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let started = false;
    let finished = false;

    const consumer = await consume(name, async () => {
      started = true;
      await gate;
      finished = true;
    });
    await waitFor('a batch in flight', async () => started, (value) => value);
    consumers.splice(consumers.indexOf(consumer), 1);
    const stopped = consumer.stop();
    openGate();
    await stopped;

    expect(finished).toBe(true);
  });
});

describe('KafkaBus client selection', () => {
  it('follows KAFKA_CLIENT when settings name none', async () => {
    const bus = new KafkaBus({ clientId: 'bus-selection', brokers: testInfrastructure().kafkaBrokers }, createLogger('bus-selection', 'warn'));

    expect(bus.client).toBe(process.env.KAFKA_CLIENT ?? DEFAULT_KAFKA_CLIENT);
    await bus.close();
  });
});
