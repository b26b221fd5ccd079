import { KafkaJSError } from 'kafkajs';

/**
 * True when Kafka or the network says the same request may succeed later.
 * kafkajs marks such errors `retriable`; @platformatic/kafka marks them
 * `canRetry`, on the error itself or on one it aggregates.
 */
export function isRetryableKafkaError(error: unknown): boolean {
  if (error instanceof KafkaJSError) return error.retriable;
  if (!(error instanceof Error)) return false;
  const flagged = error as Error & { canRetry?: boolean; errors?: unknown[] };
  if (flagged.canRetry === true) return true;
  return Array.isArray(flagged.errors) && flagged.errors.some(isRetryableKafkaError);
}

/** Error for a new topic that still has a partition without a leader. Creators retry it. */
export class TopicsNotReadyError extends Error {
  constructor(readonly topics: string[]) {
    super(`topics without a leader yet: ${topics.join(', ')}`);
    this.name = 'TopicsNotReadyError';
  }
}

/** True for errors worth retrying while waiting for new topics' leaders. */
export function isTopicWaitRetryable(error: unknown): boolean {
  return error instanceof TopicsNotReadyError || isRetryableKafkaError(error);
}
