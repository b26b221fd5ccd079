import { randomBytes } from 'node:crypto';
import type { MessageBus } from '@estate/kafka';

/**
 * Addresses of the local stack. Benchmarks run on loopback only, so a
 * non-loopback address is rejected rather than loaded with traffic.
 */
export function kafkaBrokers(): string[] {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  for (const broker of brokers) requireLoopback('KAFKA_BROKERS', broker.split(':')[0]);
  return brokers;
}

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/estate';
  requireLoopback('DATABASE_URL', new URL(url).hostname);
  return url;
}

function requireLoopback(variable: string, host: string): void {
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error(`${variable} points at ${host}; benchmarks send traffic to loopback addresses only`);
  }
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Creates a topic for one benchmark run, so runs never read each other's records. */
export async function freshBenchTopic(bus: MessageBus, prefix: string, partitions: number): Promise<string> {
  const name = `${prefix}.${uniqueSuffix()}`;
  await bus.ensureTopics([{ name, partitions, retentionMs: 3_600_000 }]);
  return name;
}
