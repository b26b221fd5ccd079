import { Admin, CompressionTypes, Consumer, Kafka, logLevel, LogEntry, Partitioners, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { BusConsumer, MessageBus } from './bus';
import { isRetryableKafkaError } from './errors';
import { useNativeCrc32c } from './native-crc32c';
import { DEFAULT_RETRY, RetryPolicy, withRetry } from './retry';
import { waitForLeaders } from './topic-readiness';
import type {
  Assignment,
  ConsumerOptions,
  InboundRecord,
  KafkaBusSettings,
  OutboundRecord,
  PartitionOffsets,
  TopicCreation,
} from './types';

/** Set once, before any producer exists, so every record batch this process sends uses it. */
const NATIVE_CRC32C = useNativeCrc32c();

/**
 * `MessageBus` on kafkajs 2.2. Producers are idempotent and wait for all
 * in-sync replicas; consumers never let the client commit an offset the
 * caller has not resolved.
 */
export class KafkajsBus implements MessageBus {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private producerReady?: Promise<Producer>;
  private readonly consumers = new Set<Consumer>();
  private readonly retry: RetryPolicy;

  constructor(
    private readonly settings: KafkaBusSettings,
    private readonly logger: Logger,
  ) {
    this.retry = settings.retry ?? DEFAULT_RETRY;
    if (!NATIVE_CRC32C) logger.warn('kafkajs record batch checksums use its JavaScript CRC-32C; the native one could not be installed');
    this.kafka = new Kafka({
      clientId: settings.clientId,
      brokers: settings.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => this.logClientEntry(entry),
      retry: { retries: this.retry.retries, initialRetryTime: this.retry.initialDelayMs, maxRetryTime: this.retry.maxDelayMs },
    });
  }

  /** Appends records and resolves once every in-sync replica has them (acks = all). */
  async send(records: OutboundRecord[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.connectProducer();
    const byTopic = new Map<string, OutboundRecord[]>();
    for (const record of records) {
      const list = byTopic.get(record.topic) ?? [];
      list.push(record);
      byTopic.set(record.topic, list);
    }
    const now = Date.now();
    const topicMessages = [...byTopic.entries()].map(([topic, list]) => ({
      topic,
      messages: list.map((r) => ({
        key: r.key,
        value: r.value,
        headers: r.headers,
        timestamp: String(r.timestamp ?? now),
      })),
    }));
    await withRetry(
      () => producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None }),
      isRetryableKafkaError,
      this.retry,
      (error, attempt, delayMs) =>
        this.logger.warn({ err: error, attempt, delayMs, records: records.length }, 'kafka send failed; retrying'),
    );
  }

  /** Creates missing topics; existing ones are left as they are. */
  async ensureTopics(topics: TopicCreation[]): Promise<string[]> {
    return this.withAdmin(async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.name));
      if (missing.length === 0) return [];
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: -1,
          configEntries: [{ name: 'retention.ms', value: String(t.retentionMs) }],
        })),
      });
      const names = missing.map((t) => t.name);
      // kafkajs's own leader wait fails when the broker still reports a new topic unknown, so the shared wait replaces it.
      await waitForLeaders(names, async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        return topics.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
      }, this.logger);
      this.logger.info({ topics: names }, 'created kafka topics');
      return names;
    });
  }

  async deleteTopics(names: string[]): Promise<void> {
    await this.withAdmin((admin) => admin.deleteTopics({ topics: names }));
  }

  /** Returns the log start and end offset of every partition, ordered by partition. */
  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    return this.withAdmin(async (admin) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high })).sort((a, b) => a.partition - b.partition);
    });
  }

  /** Answers a metadata request; readiness checks use it. */
  async ping(): Promise<void> {
    await this.withAdmin((admin) => admin.describeCluster());
  }

  /**
   * Starts a consumer-group member. Offsets are resolved by the caller after
   * its own durable commit; kafkajs then commits them to Kafka for lag
   * monitoring only.
   */
  async consume(options: ConsumerOptions): Promise<BusConsumer> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
      minBytes: options.fetch?.minBytes ?? 1,
      maxWaitTimeInMs: options.fetch?.maxWaitMs ?? 100,
      retry: { retries: this.retry.retries, initialRetryTime: this.retry.initialDelayMs },
    });
    this.consumers.add(consumer);
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assignment = event.payload.memberAssignment as Assignment;
      this.logger.info({ groupId: options.groupId, assignment }, 'consumer joined group');
      const seek = (topic: string, partition: number, offset: string) => consumer.seek({ topic, partition, offset });
      void Promise.resolve(options.onAssigned?.(assignment, seek)).catch((error: unknown) =>
        this.logger.error({ err: error, groupId: options.groupId }, 'partition assignment handler failed'),
      );
    });
    consumer.on(consumer.events.CRASH, (event) =>
      this.logger.error({ err: event.payload.error, groupId: options.groupId, restart: event.payload.restart }, 'consumer crashed'),
    );

    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (!isRunning() || isStale()) return;
        const records: InboundRecord[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key,
          value: m.value,
          headers: decodeHeaders(m.headers),
          timestamp: Number(m.timestamp),
        }));
        await options.eachBatch(
          { topic: batch.topic, partition: batch.partition, records, highWatermark: batch.highWatermark },
          { heartbeat, isRunning: () => isRunning() && !isStale(), resolveOffset },
        );
      },
    });
    return new KafkajsConsumer(consumer, () => this.consumers.delete(consumer));
  }

  /** Stops consumers (each finishes its batch in flight), then disconnects the producer. */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    if (this.producer) await this.producer.disconnect();
    this.producer = undefined;
    this.producerReady = undefined;
  }

  private async connectProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.producerReady ??= (async () => {
      // Retries are bounded here and again in send(); a retried batch may repeat
      // records, which consumers drop by event id.
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      this.producer = producer;
      this.logger.info({ clientId: this.settings.clientId }, 'kafka producer connected');
      return producer;
    })();
    try {
      return await this.producerReady;
    } catch (error) {
      this.producerReady = undefined;
      throw error;
    }
  }

  private async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }

  private logClientEntry(entry: LogEntry): void {
    const { message, ...rest } = entry.log;
    // Retries are bounded on purpose (see connectProducer); the client warns about it on every connect.
    if (message.startsWith('Limiting retries for the idempotent producer')) return;
    const fields = { kafkaNamespace: entry.namespace, ...rest };
    // A metadata request for a topic created a moment ago: waitForLeaders retries it, so it is not an error.
    if (message.startsWith('Response Metadata') && rest.error === 'This server does not host this topic-partition') this.logger.debug(fields, message);
    // A member joining or leaving the group: the consumer rejoins on its own, so this error is routine.
    else if (typeof rest.error === 'string' && rest.error.startsWith('The group is rebalancing')) this.logger.info(fields, message);
    else if (entry.level === logLevel.ERROR) this.logger.error(fields, message);
    else this.logger.warn(fields, message);
  }
}

/** A running kafkajs consumer-group member. */
export class KafkajsConsumer implements BusConsumer {
  constructor(
    private readonly consumer: Consumer,
    private readonly onClosed: () => void,
  ) {}

  /** Moves the next fetch of `partition` to `offset`. */
  seek(topic: string, partition: number, offset: string): void {
    this.consumer.seek({ topic, partition, offset });
  }

  pause(topic: string): void {
    this.consumer.pause([{ topic }]);
  }

  resume(topic: string): void {
    this.consumer.resume([{ topic }]);
  }

  /** Waits for the batch in flight to finish, leaves the group and disconnects. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    this.onClosed();
  }
}

function decodeHeaders(headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}
