import { DEAD_LETTER_TOPIC, DeadLetterRecord } from '@estate/contracts';
import { KafkaBus } from './kafka-bus';
import { InboundRecord } from './types';

export interface DeadLetterReason {
  code: string;
  reason: string;
  retryable: boolean;
}

/**
 * Largest original value a dead-letter record copies. Base64 makes a copy a
 * third larger, so a copy of a value near the record size limit could not be
 * sent. A larger value is left out, and the reader finds it at its source
 * topic and offset.
 */
export const MAX_DEAD_LETTER_COPY_BYTES = 600 * 1024;

/** Builds the dead-letter record for a message that could not be decoded or applied. */
export function toDeadLetter(record: InboundRecord, consumer: string, why: DeadLetterReason, now: Date): DeadLetterRecord {
  const copied = record.value !== null && record.value.length <= MAX_DEAD_LETTER_COPY_BYTES;
  return {
    sourceTopic: record.topic,
    sourcePartition: record.partition,
    sourceOffset: record.offset,
    consumer,
    code: why.code,
    reason: why.reason,
    retryable: why.retryable,
    originalKey: record.key ? record.key.toString('utf8') : null,
    originalValueBase64: copied && record.value ? record.value.toString('base64') : null,
    originalValueBytes: record.value?.length ?? 0,
    originalHeaders: record.headers,
    failedAt: now.toISOString(),
  };
}

/** Appends dead-letter records, keyed by source topic so one topic's failures stay in order. */
export async function publishDeadLetters(bus: KafkaBus, letters: DeadLetterRecord[]): Promise<void> {
  await bus.send(
    letters.map((letter) => ({
      topic: DEAD_LETTER_TOPIC,
      key: letter.sourceTopic,
      value: JSON.stringify(letter),
      headers: { 'estate-dead-letter-code': letter.code, 'estate-source-offset': `${letter.sourcePartition}:${letter.sourceOffset}` },
    })),
  );
}
