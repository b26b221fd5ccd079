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
