import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { BusConsumer } from './bus';
import { backoffDelay, DEFAULT_RETRY } from './retry';
import type { Assignment, ConsumerOptions, InboundRecord, KafkaBusSettings, RecordBatch } from './types';

type RawMessage = Message<Buffer, Buffer, Buffer, Buffer>;

interface GroupJoin {
  assignments?: Array<{ topic: string; partitions: number[] }>;
}

/**
 * A consumer-group member on @platformatic/kafka that gives callers the same
 * contract as the kafkajs one: records arrive in per-partition batches in
 * offset order, and only offsets the caller resolved are committed, after
 * `eachBatch` returns. The client streams single messages, so messages that
 * arrive together are grouped by partition; the stream is paused while a
 * batch is handled. When `eachBatch` throws, the stream is reopened from the
 * committed offsets, so the failed batch is fetched again, as with kafkajs.
 */
export class PlatformaticConsumer implements BusConsumer {
  private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  private stream?: MessagesStream<Buffer, Buffer, Buffer, Buffer>;
  private pending: RawMessage[] = [];
  private readonly held = new Map<string, RawMessage[]>();
  /** Forward seeks: records below these offsets (key `topic:partition`) are skipped. */
  private readonly seekTargets = new Map<string, bigint>();
  private assigning: Promise<void> = Promise.resolve();
  private draining = false;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly settings: KafkaBusSettings,
    private readonly options: ConsumerOptions,
    private readonly logger: Logger,
    private readonly onClosed: (consumer: PlatformaticConsumer) => void,
  ) {
    this.consumer = new Consumer({
      clientId: settings.clientId,
      bootstrapBrokers: settings.brokers,
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
      maxWaitTime: options.fetch?.maxWaitMs ?? 100,
      autocommit: false,
    });
    this.consumer.on('consumer:group:join', (payload: GroupJoin) => this.onGroupJoin(payload));
  }

  async start(): Promise<void> {
    this.stream = await this.consumer.consume({
      topics: this.options.topics,
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
    });
    this.stream.on('data', (message: RawMessage) => {
      this.pending.push(message);
      this.scheduleDrain();
    });
    this.stream.on('error', (error: Error) => this.logger.error({ err: error, groupId: this.options.groupId }, 'consumer stream failed'));
  }

  /**
   * Skips records of `partition` below `offset`. Only forward seeks are
   * needed: callers seek to offsets they stored after committing, which are
   * never behind the offsets this member commits to Kafka.
   */
  seek(topic: string, partition: number, offset: string): void {
    this.seekTargets.set(`${topic}:${partition}`, BigInt(offset));
  }

  pause(topic: string): void {
    if (!this.held.has(topic)) this.held.set(topic, []);
  }

  resume(topic: string): void {
    const held = this.held.get(topic) ?? [];
    this.held.delete(topic);
    this.pending.unshift(...held);
    this.scheduleDrain();
  }

  /** Waits for the batch in flight to finish, leaves the group and closes. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    while (this.draining) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.stream?.close();
    await this.consumer.close(true);
    this.onClosed(this);
  }

  private onGroupJoin(payload: GroupJoin): void {
    const assignment: Assignment = {};
    for (const a of payload.assignments ?? []) assignment[a.topic] = [...a.partitions];
    this.logger.info({ groupId: this.options.groupId, assignment }, 'consumer joined group');
    const seek = (topic: string, partition: number, offset: string) => this.seek(topic, partition, offset);
    this.assigning = Promise.resolve(this.options.onAssigned?.(assignment, seek)).catch((error: unknown) =>
      this.logger.error({ err: error, groupId: this.options.groupId }, 'partition assignment handler failed'),
    );
  }

  private scheduleDrain(): void {
    if (this.draining || this.stopped) return;
    this.draining = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    this.stream?.pause();
    try {
      await this.assigning;
      while (this.pending.length > 0 && !this.stopped) {
        const messages = this.pending;
        this.pending = [];
        for (const batch of this.toBatches(messages)) await this.deliver(batch);
      }
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      this.logger.error({ err: error, groupId: this.options.groupId, attempt: this.failures }, 'batch handler failed; refetching from the committed offsets');
      this.draining = false;
      await this.reopen();
      return;
    }
    this.draining = false;
    if (!this.stopped) this.stream?.resume();
  }

  /** Groups messages by partition, keeping offset order, and drops those below a seek target or on a paused topic. */
  private toBatches(messages: RawMessage[]): Array<{ batch: RecordBatch; last: Map<string, RawMessage> }> {
    const byPartition = new Map<string, RawMessage[]>();
    for (const message of messages) {
      const held = this.held.get(message.topic);
      if (held) {
        held.push(message);
        continue;
      }
      const key = `${message.topic}:${message.partition}`;
      const target = this.seekTargets.get(key);
      if (target !== undefined && message.offset < target) continue;
      const list = byPartition.get(key) ?? [];
      list.push(message);
      byPartition.set(key, list);
    }
    return [...byPartition.values()].map((list) => {
      const records = list.map(toInboundRecord);
      const last = new Map(list.map((m) => [String(m.offset), m]));
      const highWatermark = String(list[list.length - 1].offset + 1n);
      return { batch: { topic: list[0].topic, partition: list[0].partition, records, highWatermark }, last };
    });
  }

  private async deliver({ batch, last }: { batch: RecordBatch; last: Map<string, RawMessage> }): Promise<void> {
    let resolved: RawMessage | undefined;
    await this.options.eachBatch(batch, {
      heartbeat: async () => undefined,
      isRunning: () => !this.stopped,
      resolveOffset: (offset) => {
        resolved = last.get(offset) ?? resolved;
      },
    });
    // Committing offset + 1 of the last resolved record; the client heartbeats on its own timer.
    if (resolved) await resolved.commit();
  }

  /** Replaces the stream after a failed batch so delivery restarts at the committed offsets. */
  private async reopen(): Promise<void> {
    const delayMs = backoffDelay(this.settings.retry ?? DEFAULT_RETRY, Math.min(this.failures, 8));
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (this.stopped) return;
    this.pending = [];
    await this.stream?.close();
    await this.start();
  }
}

function toInboundRecord(message: RawMessage): InboundRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of message.headers) headers[name.toString('utf8')] = value ? value.toString('utf8') : '';
  return {
    topic: message.topic,
    partition: message.partition,
    offset: String(message.offset),
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
    timestamp: Number(message.timestamp),
  };
}
