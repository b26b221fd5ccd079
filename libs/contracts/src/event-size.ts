import { ContractError } from './errors';
import type { EventEnvelope } from './envelope';

/**
 * Largest encoded event Estate appends to Kafka: the broker's default
 * `message.max.bytes` (1 MiB) less room for the record batch framing, the
 * key and the headers. A larger event could be stored in an outbox but never
 * published.
 */
export const MAX_EVENT_BYTES = 900 * 1024;

/** Throws `event_too_large` when the envelope's JSON (or `encoded`, its JSON text or bytes when the caller has them) exceeds MAX_EVENT_BYTES. */
export function assertEventFits(envelope: EventEnvelope, encoded: string | Buffer = JSON.stringify(envelope)): void {
  const bytes = Buffer.byteLength(encoded);
  if (bytes <= MAX_EVENT_BYTES) return;
  throw new ContractError(
    'event_too_large',
    `the ${envelope.type} event for ${envelope.key} would be ${bytes} bytes; events are limited to ${MAX_EVENT_BYTES} bytes. ` +
      'Send less data in one request (fewer or shorter labels, attributes, policies or snapshot fields)',
  );
}
