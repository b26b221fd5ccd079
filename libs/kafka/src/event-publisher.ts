import { assertEventFits, encodeEvent, EventEnvelope } from '@estate/contracts';
import { KafkaBus } from './kafka-bus';

/** Validates envelopes against their contracts and the event size limit, then appends them durably. */
export class EventPublisher {
  constructor(private readonly bus: KafkaBus) {}

  async publish(envelopes: EventEnvelope[]): Promise<void> {
    const records = envelopes.map((envelope) => encodeEvent(envelope));
    records.forEach((record, i) => assertEventFits(envelopes[i], record.value));
    await this.bus.send(records);
  }
}
