import type { ConsumerOptions, OutboundRecord, PartitionOffsets, TopicCreation } from './types';

/**
 * The operations the rest of Estate needs from a Kafka client, implemented by
 * `KafkajsBus` and `PlatformaticKafkaBus`; `KafkaBus` delegates to the one
 * KAFKA_CLIENT names. Both send idempotently with acks = all and never commit
 * an offset the caller has not resolved.
 */
export interface MessageBus {
  send(records: OutboundRecord[]): Promise<void>;
  consume(options: ConsumerOptions): Promise<BusConsumer>;
  ensureTopics(topics: TopicCreation[]): Promise<string[]>;
  deleteTopics(names: string[]): Promise<void>;
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A running consumer-group member. */
export interface BusConsumer {
  seek(topic: string, partition: number, offset: string): void;
  pause(topic: string): void;
  resume(topic: string): void;
  stop(): Promise<void>;
}
