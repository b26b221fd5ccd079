import type { Logger } from 'pino';
import type { BusConsumer, MessageBus } from './bus';
import { createMessageBus, kafkaClientFromEnvironment } from './create-bus';
import { isRetryableKafkaError } from './errors';
import { withRetry } from './retry';
import { TOPIC_READY_WAIT } from './topic-readiness';
import type { ConsumerOptions, KafkaBusSettings, KafkaClientName, OutboundRecord, PartitionOffsets, TopicCreation } from './types';

/**
 * Largest total of record bytes in one send. The broker rejects a
 * partition's record batch above `message.max.bytes` (1 MiB by default), and
 * a send of many records for one partition goes as one batch.
 */
export const MAX_SEND_BYTES = 1000 * 1024;
/** Framing and headers of one record beside its key and value; an estimate with room to spare. */
const RECORD_OVERHEAD_BYTES = 512;

/** A record the broker would reject for its size; sending it again cannot succeed. */
export class RecordTooLargeError extends Error {
  readonly retryable = false;

  constructor(
    readonly topic: string,
    readonly bytes: number,
  ) {
    super(`a record for ${topic} is ${bytes} bytes; one send carries at most ${MAX_SEND_BYTES} bytes, so the record must be made smaller`);
    this.name = 'RecordTooLargeError';
  }
}

/** Splits records, in order, into sends of at most MAX_SEND_BYTES; throws before anything is sent if one record alone is larger. */
export function sizedSends(records: OutboundRecord[]): OutboundRecord[][] {
  const sends: OutboundRecord[][] = [];
  let current: OutboundRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Buffer.byteLength(record.value) + (record.key ? Buffer.byteLength(record.key) : 0) + RECORD_OVERHEAD_BYTES;
    if (size > MAX_SEND_BYTES) throw new RecordTooLargeError(record.topic, size);
    if (bytes + size > MAX_SEND_BYTES && current.length > 0) {
      sends.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) sends.push(current);
  return sends;
}

/** A running consumer-group member, whichever client runs it. */
export type ConsumerHandle = BusConsumer;

/**
 * The bus every service and tool constructs. It delegates to the client that
 * `settings.client` or else KAFKA_CLIENT names, so the client changes by
 * configuration alone. Every client sends idempotently with acks = all and
 * never commits an offset the caller has not resolved.
 */
export class KafkaBus implements MessageBus {
  readonly client: KafkaClientName;
  private readonly delegate: MessageBus;

  constructor(
    settings: KafkaBusSettings,
    private readonly logger: Logger,
  ) {
    this.client = settings.client ?? kafkaClientFromEnvironment();
    this.delegate = createMessageBus(this.client, settings, logger);
  }

  /**
   * Appends records and resolves once every in-sync replica has them (acks =
   * all). Records go in order, in as many sends as MAX_SEND_BYTES needs.
   */
  async send(records: OutboundRecord[]): Promise<void> {
    for (const batch of sizedSends(records)) await this.delegate.send(batch);
  }

  /** Starts a consumer-group member that commits only the offsets the caller resolves. */
  consume(options: ConsumerOptions): Promise<ConsumerHandle> {
    return this.delegate.consume(options);
  }

  /** Creates missing topics and returns their names. Existing topics are left as they are. */
  ensureTopics(topics: TopicCreation[]): Promise<string[]> {
    return this.delegate.ensureTopics(topics);
  }

  deleteTopics(names: string[]): Promise<void> {
    return this.delegate.deleteTopics(names);
  }

  /** Returns each partition's offsets. A partition created a moment ago can return NOT_LEADER_OR_FOLLOWER, so retryable errors are retried. */
  topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    return withRetry(
      () => this.delegate.topicOffsets(topic),
      isRetryableKafkaError,
      TOPIC_READY_WAIT,
      (error, attempt, delayMs) => this.logger.debug({ err: error, attempt, delayMs, topic }, 'topic offsets not available yet; retrying'),
    );
  }

  /** Sends a metadata request, so readiness checks fail when no broker responds. */
  ping(): Promise<void> {
    return this.delegate.ping();
  }

  /** Stops consumers (each finishes its batch in flight), then closes the producer. */
  close(): Promise<void> {
    return this.delegate.close();
  }
}
