import type { Logger } from 'pino';
import type { BusConsumer, MessageBus } from './bus';
import { createMessageBus, kafkaClientFromEnvironment } from './create-bus';
import type { ConsumerOptions, KafkaBusSettings, KafkaClientName, OutboundRecord, PartitionOffsets, TopicCreation } from './types';

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

  constructor(settings: KafkaBusSettings, logger: Logger) {
    this.client = settings.client ?? kafkaClientFromEnvironment();
    this.delegate = createMessageBus(this.client, settings, logger);
  }

  /** Appends records and resolves once every in-sync replica has them (acks = all). */
  send(records: OutboundRecord[]): Promise<void> {
    return this.delegate.send(records);
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

  topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    return this.delegate.topicOffsets(topic);
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
