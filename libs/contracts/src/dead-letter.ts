import { Topics } from './topics';

/**
 * The record written to the dead-letter topic. It keeps the original bytes
 * (base64) and the source position so an operator can inspect, fix and replay.
 */
export interface DeadLetterRecord {
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  consumer: string;
  code: string;
  reason: string;
  retryable: boolean;
  originalKey: string | null;
  /** Null when the value was empty, or too large to copy (see originalValueBytes); the source topic still contains it. */
  originalValueBase64: string | null;
  /** Size of the original value, so a reader can tell an omitted copy from an empty value. */
  originalValueBytes?: number;
  originalHeaders: Record<string, string>;
  failedAt: string;
}

export const DEAD_LETTER_TOPIC = Topics.deadLetter;
