import { encodeEvent, EventEnvelope } from '@estate/contracts';
import { KafkaBus } from './kafka-bus';

/** Validates envelopes against their contracts and appends them durably. */
export class EventPublisher {
  constructor(private readonly bus: KafkaBus) {}

  async publish(envelopes: EventEnvelope[]): Promise<void> {
    const records = envelopes.map((envelope) => encodeEvent(envelope));
    await this.bus.send(records);
  }
}
