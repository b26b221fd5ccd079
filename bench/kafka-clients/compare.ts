/**
 * Measures produce and consume throughput of each Kafka client through the
 * same `MessageBus` interface, at the size of a real `trace.spans.recorded`
 * record. Produce is idempotent with acks = all, as in production; consume is
 * a fresh consumer group reading the topic from the start and resolving every
 * batch. Clients alternate within each round so drift of the shared machine
 * hits both alike. Sizes: KAFKA_BENCH_RECORDS (default 20000),
 * KAFKA_BENCH_ROUNDS (default 3, after one warm-up round).
 *
 * Run: npx ts-node bench/kafka-clients/compare.ts
 */
import { createMessageBus, KAFKA_CLIENTS, KafkaClientName, MessageBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { printBenchResult, sizeFromEnv } from '../suite/bench-result';
import { freshBenchTopic, kafkaBrokers } from '../suite/environment';
import { encodedSpanEvents, spanRecordBytes } from '../suite/span-fixtures';
import { round, summarize } from '../suite/stats';

const RECORDS = sizeFromEnv('KAFKA_BENCH_RECORDS', 20_000);
const ROUNDS = sizeFromEnv('KAFKA_BENCH_ROUNDS', 3);
/** Records per send() call and calls in flight: a busy receiver appending request batches. */
const SEND_BATCH = 250;
const SENDS_IN_FLIGHT = 4;
const CONSUME_TIMEOUT_MS = 120_000;

const logger = createLogger('bench-kafka-clients', 'warn');

interface RoundFigures {
  producePerSecond: number;
  consumePerSecond: number;
  /** Milliseconds from starting the consumer to its first batch: group join and first fetch. */
  firstBatchMs: number;
}

async function produce(bus: MessageBus, topic: string): Promise<number> {
  const records = encodedSpanEvents(RECORDS, 'tenant-bench', topic);
  const batches: (typeof records)[] = [];
  for (let i = 0; i < records.length; i += SEND_BATCH) batches.push(records.slice(i, i + SEND_BATCH));
  const started = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await bus.send(batches[next++]);
  };
  await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, worker));
  return RECORDS / seconds(started);
}

async function consume(bus: MessageBus, topic: string): Promise<{ perSecond: number; firstBatchMs: number }> {
  const started = process.hrtime.bigint();
  let first: bigint | undefined;
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const consumer = await bus.consume({
    groupId: `estate.bench.${topic}`,
    topics: [topic],
    eachBatch: async (batch, control) => {
      first ??= process.hrtime.bigint();
      received += batch.records.length;
      control.resolveOffset(batch.records[batch.records.length - 1].offset);
      if (received >= RECORDS) done();
    },
  });
  const timer = setTimeout(done, CONSUME_TIMEOUT_MS);
  await finished;
  clearTimeout(timer);
  const ended = process.hrtime.bigint();
  await consumer.stop();
  if (received < RECORDS) throw new Error(`consumer read ${received} of ${RECORDS} records within ${CONSUME_TIMEOUT_MS} ms on ${topic}`);
  const from = first ?? started;
  return { perSecond: received / (Number(ended - from) / 1e9), firstBatchMs: Number(from - started) / 1e6 };
}

async function runRound(client: KafkaClientName, round: number): Promise<RoundFigures> {
  const bus = createMessageBus(client, { clientId: `bench-${client}`, brokers: kafkaBrokers() }, logger);
  try {
    const topic = await freshBenchTopic(bus, `estate.bench.kafka.${client}.r${round}`, 6);
    const producePerSecond = await produce(bus, topic);
    const consumed = await consume(bus, topic);
    await bus.deleteTopics([topic]);
    return { producePerSecond, consumePerSecond: consumed.perSecond, firstBatchMs: consumed.firstBatchMs };
  } finally {
    await bus.close();
  }
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

async function main(): Promise<void> {
  const recordBytes = spanRecordBytes();
  console.log(`kafka clients: ${RECORDS} records of ${recordBytes} bytes, ${ROUNDS} rounds after a warm-up`);
  const figures = new Map<KafkaClientName, RoundFigures[]>(KAFKA_CLIENTS.map((c) => [c, []]));
  for (let r = 0; r <= ROUNDS; r++) {
    // Alternate which client goes first so a slow phase of the machine does not favour one.
    const order = r % 2 === 0 ? [...KAFKA_CLIENTS] : [...KAFKA_CLIENTS].reverse();
    for (const client of order) {
      const result = await runRound(client, r);
      const label = r === 0 ? 'warm-up' : `round ${r}`;
      console.log(`${label} ${client}: produce ${round(result.producePerSecond)}/s, consume ${round(result.consumePerSecond)}/s, first batch after ${round(result.firstBatchMs)} ms`);
      if (r > 0) figures.get(client)!.push(result);
    }
  }
  const clients = Object.fromEntries(
    [...figures.entries()].map(([client, rounds]) => [
      client,
      {
        produce: summarize(rounds.map((f) => f.producePerSecond)),
        consume: summarize(rounds.map((f) => f.consumePerSecond)),
        firstBatchMs: summarize(rounds.map((f) => f.firstBatchMs)),
      },
    ]),
  );
  printBenchResult({ name: 'kafka-clients', records: RECORDS, recordBytes, rounds: ROUNDS, clients });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
