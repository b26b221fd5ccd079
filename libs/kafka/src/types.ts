import type { RetryPolicy } from './retry';

/**
 * Client-neutral record shapes. Nothing outside this library sees a kafkajs
 * type, so the client can be replaced after measurement.
 */
export interface OutboundRecord {
  topic: string;
  key: string | null;
  value: Buffer | string;
  headers?: Record<string, string>;
  /** Milliseconds since the epoch; defaults to the time of sending. */
  timestamp?: number;
}

export interface InboundRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: number;
}

export interface RecordBatch {
  topic: string;
  partition: number;
  records: InboundRecord[];
  /** Offset after the last record Kafka holds for this partition when the batch was fetched. */
  highWatermark: string;
}

export interface BatchControl {
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  /** Marks records up to `offset` as processed so Kafka's group offset follows the authoritative one. */
  resolveOffset(offset: string): void;
}

export type Assignment = Record<string, number[]>;

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** Called after every rebalance with the partitions this member now owns. */
  onAssigned?: (assignment: Assignment, seek: (topic: string, partition: number, offset: string) => void) => Promise<void> | void;
  eachBatch: (batch: RecordBatch, control: BatchControl) => Promise<void>;
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  /**
   * Batches of different partitions handled at the same time (default 1).
   * Only safe when batches of different partitions never write the same rows.
   * The platformatic client handles one batch at a time whatever the value.
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Bytes a fetch waits for (default 1) and the longest it waits for them in
   * milliseconds (default 100). Waiting for more data gives larger batches,
   * which spreads each batch's fixed cost over more records at the price of
   * at most `maxWaitMs` of delay. The platformatic client reads only `maxWaitMs`.
   */
  fetch?: { minBytes: number; maxWaitMs: number };
}

export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

/** Kafka client implementations behind `MessageBus`, selected with KAFKA_CLIENT. */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

export interface KafkaBusSettings {
  clientId: string;
  brokers: string[];
  retry?: RetryPolicy;
  /** Overrides KAFKA_CLIENT for this bus; benchmarks and client tests use it. */
  client?: KafkaClientName;
}

export interface TopicCreation {
  name: string;
  partitions: number;
  retentionMs: number;
}
