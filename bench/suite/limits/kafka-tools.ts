/**
 * Kafka's own performance tools (Kafka 4.1, Java client) at the median size
 * of the `trace.spans.recorded` records the receivers make of the ingest
 * benchmark's request (`ingestRecordShape`): the broker's limit on this machine, which
 * the ingest and client figures are divided by. The producer runs with
 * acks=all and idempotence, as Estate's producers do.
 * Sizes: KAFKA_TOOL_RECORDS (default 50000), BENCH_ROUNDS (default 3).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { printBenchResult, sizeFromEnv } from '../bench-result';
import { freshBenchTopic, kafkaBrokers } from '../environment';
import { repeat } from '../repeat';
import { ingestRecordShape } from '../../ingest-payload';

const run = promisify(execFile);
const RECORDS = sizeFromEnv('KAFKA_TOOL_RECORDS', 50_000);
const ROUNDS = sizeFromEnv('BENCH_ROUNDS', 3);
const CLASSPATH = join(__dirname, '../../../.cache/kafka/lib/*');
const TOOL_TIMEOUT_MS = 120_000;

async function java(mainClass: string, args: string[]): Promise<string> {
  const { stdout } = await run('java', ['-Xmx512m', '-cp', CLASSPATH, mainClass, ...args], { timeout: TOOL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** ProducerPerformance ends with "N records sent, X records/sec (...)". */
async function producerRecordsPerSecond(topic: string, recordBytes: number): Promise<number> {
  const output = await java('org.apache.kafka.tools.ProducerPerformance', [
    '--topic', topic, '--num-records', String(RECORDS), '--record-size', String(recordBytes), '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${kafkaBrokers().join(',')}`, 'acks=all', 'enable.idempotence=true',
  ]);
  const match = /records sent, ([\d.]+) records\/sec/.exec(output.trim().split('\n').pop() ?? '');
  if (!match) throw new Error(`ProducerPerformance output not understood:\n${output}`);
  return Number(match[1]);
}

/** ConsumerPerformance prints a CSV header and one row; nMsg.sec is the records-per-second column. */
async function consumerRecordsPerSecond(topic: string): Promise<number> {
  const output = await java('org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server', kafkaBrokers().join(','), '--topic', topic, '--messages', String(RECORDS), '--timeout', '60000',
  ]);
  const lines = output.trim().split('\n');
  const header = lines.findIndex((line) => line.includes('nMsg.sec'));
  if (header < 0 || !lines[header + 1]) throw new Error(`ConsumerPerformance output not understood:\n${output}`);
  const column = lines[header].split(',').map((c) => c.trim()).indexOf('nMsg.sec');
  return Number(lines[header + 1].split(',')[column]);
}

async function main(): Promise<void> {
  const bus = new KafkaBus({ clientId: 'bench-kafka-tools', brokers: kafkaBrokers() }, createLogger('bench-kafka-tools', 'warn'));
  const { recordBytes, spansPerRecord } = ingestRecordShape(bus);
  const topics: string[] = [];
  try {
    const consumeTopics: string[] = [];
    const produce = await repeat('ProducerPerformance records/s', ROUNDS, async (round) => {
      const topic = await freshBenchTopic(bus, `estate.bench.tool.r${round}`, 6);
      topics.push(topic);
      consumeTopics.push(topic);
      return producerRecordsPerSecond(topic, recordBytes);
    });
    const consume = await repeat('ConsumerPerformance records/s', ROUNDS, (round) => consumerRecordsPerSecond(consumeTopics[round]));
    printBenchResult({ name: 'limit-kafka-tools', records: RECORDS, recordBytes, spansPerRecord, producePerSecond: produce, consumePerSecond: consume });
  } finally {
    await bus.deleteTopics(topics).catch((error: unknown) => console.error('deleting benchmark topics failed', error));
    await bus.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
