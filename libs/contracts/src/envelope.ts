import { v7 as uuidv7 } from 'uuid';

/**
 * The envelope every event carries. `recordedAt` is when Estate accepted the
 * event and is also the Kafka record timestamp; `occurredAt` is the producer's
 * claim and never drives retention.
 */
export interface EventEnvelope<P = unknown> {
  eventId: string;
  type: string;
  schemaVersion: number;
  tenantId: string;
  occurredAt: string;
  recordedAt: string;
  producer: string;
  correlationId?: string;
  causationId?: string;
  /** Aggregate id or other partition key; events with the same key keep their order. */
  key: string;
  payload: P;
}

export interface EnvelopeInput<P> {
  type: string;
  schemaVersion: number;
  tenantId: string;
  producer: string;
  key: string;
  payload: P;
  occurredAt?: Date;
  correlationId?: string;
  causationId?: string;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Builds an envelope with a time-ordered (v7) event id. */
export function createEnvelope<P>(
  input: EnvelopeInput<P>,
  clock: Clock = systemClock,
  newId: () => string = uuidv7,
): EventEnvelope<P> {
  const recordedAt = clock.now();
  return {
    eventId: newId(),
    type: input.type,
    schemaVersion: input.schemaVersion,
    tenantId: input.tenantId,
    occurredAt: (input.occurredAt ?? recordedAt).toISOString(),
    recordedAt: recordedAt.toISOString(),
    producer: input.producer,
    correlationId: input.correlationId,
    causationId: input.causationId,
    key: input.key,
    payload: input.payload,
  };
}

export const newEventId = (): string => uuidv7();
