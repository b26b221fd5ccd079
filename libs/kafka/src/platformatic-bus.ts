import { Admin, compatibilityPartitioner, ProduceAcks, Producer } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { BusConsumer, MessageBus } from './bus';
import { PlatformaticConsumer } from './platformatic-consumer';
import { isRetryableKafkaError } from './errors';
import { DEFAULT_RETRY, RetryPolicy, withRetry } from './retry';
import { waitForLeaders } from './topic-readiness';
import type { ConsumerOptions, KafkaBusSettings, OutboundRecord, PartitionOffsets, TopicCreation } from './types';

const EARLIEST = -2n;
const LATEST = -1n;

/**
 * `MessageBus` on @platformatic/kafka (pure JavaScript, Node 20.19.4 or later).
 * Semantics match `KafkaBus`: idempotent producer with acks = all, the
 * Java-compatible murmur2 partitioner (the same partition per key as kafkajs
 * and the Java client), and consumers that commit only resolved offsets.
 * `KafkaBus` delegates to it when KAFKA_CLIENT=platformatic.
 */
export class PlatformaticKafkaBus implements MessageBus {
  private readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  private readonly consumers = new Set<PlatformaticConsumer>();
  private readonly retry: RetryPolicy;
  /** Tail of the send queue; see send(). */
  private sendQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly settings: KafkaBusSettings,
    private readonly logger: Logger,
  ) {
    this.retry = settings.retry ?? DEFAULT_RETRY;
    this.producer = new Producer({
      clientId: settings.clientId,
      bootstrapBrokers: settings.brokers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
      partitioner: compatibilityPartitioner,
      retries: clientRetries(this.retry.retries),
      retryDelay: this.retry.initialDelayMs,
    });
  }

  /** Appends records and resolves once every in-sync replica has them (acks = all). */
  async send(records: OutboundRecord[]): Promise<void> {
    if (records.length === 0) return;
    const now = BigInt(Date.now());
    const messages = records.map((r) => ({
      topic: r.topic,
      key: r.key === null ? undefined : Buffer.from(r.key),
      value: Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value),
      headers: toHeaderMap(r.headers),
      timestamp: r.timestamp === undefined ? now : BigInt(r.timestamp),
    }));
    // NOTE: @platformatic/kafka 1.35 assigns idempotent sequence numbers so that
    // concurrent send() calls get OUT_OF_ORDER_SEQUENCE_NUMBER from the broker;
    // sends are queued one at a time, as kafkajs does with maxInFlightRequests 1.
    const sent = this.sendQueue.then(() => this.sendNow(messages, records.length));
    this.sendQueue = sent.catch(() => undefined);
    await sent;
  }

  private async sendNow(messages: Parameters<Producer<Buffer, Buffer, Buffer, Buffer>['send']>[0]['messages'], count: number): Promise<void> {
    await withRetry(
      () => this.producer.send({ messages }),
      isRetryableKafkaError,
      this.retry,
      (error, attempt, delayMs) =>
        this.logger.warn({ err: error, attempt, delayMs, records: count }, 'kafka send failed; retrying'),
    );
  }

  async consume(options: ConsumerOptions): Promise<BusConsumer> {
    const consumer = new PlatformaticConsumer(this.settings, options, this.logger, (c) => this.consumers.delete(c));
    this.consumers.add(consumer);
    await consumer.start();
    return consumer;
  }

  /** Creates missing topics; existing ones are left as they are. */
  async ensureTopics(topics: TopicCreation[]): Promise<string[]> {
    return this.withAdmin(async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.name));
      const created: TopicCreation[] = [];
      for (const topic of missing) {
        if (await this.createTopic(admin, topic)) created.push(topic);
      }
      if (created.length === 0) return [];
      const names = created.map((t) => t.name);
      // Fresh metadata must list the new topics, so that a later listing or send finds them.
      await waitForLeaders(names, async () => {
        const { topics: known } = await admin.metadata({ topics: names, forceUpdate: true });
        return names.filter((name) => {
          const partitions = known.get(name)?.partitions ?? [];
          return partitions.length === 0 || partitions.some((p) => p.leader < 0);
        });
      }, this.logger);
      this.logger.info({ topics: names }, 'created kafka topics');
      return names;
    });
  }

  /** Creates one topic and returns false when another client created it first. */
  private async createTopic(admin: Admin, topic: TopicCreation): Promise<boolean> {
    try {
      await admin.createTopics({
        topics: [topic.name],
        partitions: topic.partitions,
        replicas: -1,
        configs: [{ name: 'retention.ms', value: String(topic.retentionMs) }],
      });
      return true;
    } catch (error) {
      if (!isTopicAlreadyExists(error)) throw error;
      this.logger.info({ topic: topic.name }, 'kafka topic was created by another client meanwhile');
      return false;
    }
  }

  async deleteTopics(names: string[]): Promise<void> {
    await this.withAdmin((admin) => admin.deleteTopics({ topics: names }));
  }

  /** Returns the log start and end offset of every partition, ordered by partition. */
  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    return this.withAdmin(async (admin) => {
      const metadata = await admin.metadata({ topics: [topic] });
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      const partitions = Array.from({ length: count }, (_, partitionIndex) => partitionIndex);
      // Kafka's ListOffsets timestamps: -2 asks for the log start, -1 for the end.
      const [earliest, latest] = await Promise.all(
        [EARLIEST, LATEST].map((timestamp) =>
          admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }] }),
        ),
      );
      const low = new Map(earliest[0]?.partitions.map((p) => [p.partitionIndex, p.offset]) ?? []);
      return (latest[0]?.partitions ?? [])
        .map((p) => ({ partition: p.partitionIndex, low: String(low.get(p.partitionIndex) ?? 0n), high: String(p.offset) }))
        .sort((a, b) => a.partition - b.partition);
    });
  }

  /** Sends a metadata request; readiness checks use it. */
  async ping(): Promise<void> {
    await this.withAdmin((admin) => admin.metadata({ topics: [] }));
  }

  /** Stops consumers (each finishes its batch in flight), then closes the producer. */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
    await this.producer.close();
  }

  private async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = new Admin({ clientId: `${this.settings.clientId}-admin`, bootstrapBrokers: this.settings.brokers });
    try {
      return await work(admin);
    } finally {
      await admin.close();
    }
  }
}

/** True when every error the client reports, alone or aggregated, is TOPIC_ALREADY_EXISTS. */
function isTopicAlreadyExists(error: unknown): boolean {
  const flagged = error as { apiId?: string; errors?: unknown[] };
  if (flagged?.apiId === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(flagged?.errors) && flagged.errors.length > 0 && flagged.errors.every(isTopicAlreadyExists);
}

/**
 * Maps the retry budget to the client's option. An idempotent Producer of
 * @platformatic/kafka 1.35 replaces a numeric `retries` of 0 or 1 with
 * unlimited retries, so a send to an unreachable broker would never fail.
 * The client leaves `false` alone and reads it as no retries.
 * NOTE: a budget of 1 becomes 2 client retries for the same reason.
 */
function clientRetries(retries: number): number | false {
  if (retries === 0) return false;
  return Math.max(2, retries);
}

function toHeaderMap(headers: Record<string, string> | undefined): Map<Buffer, Buffer> | undefined {
  if (!headers) return undefined;
  return new Map(Object.entries(headers).map(([name, value]) => [Buffer.from(name), Buffer.from(value)]));
}
