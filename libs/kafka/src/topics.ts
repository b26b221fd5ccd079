import { TOPIC_SPECS } from '@estate/contracts';
import { KafkaBus } from './kafka-bus';

/** Creates every topic the contracts library declares, with its partition count and retention. */
export function ensureEstateTopics(bus: KafkaBus): Promise<string[]> {
  return bus.ensureTopics(TOPIC_SPECS.map((spec) => ({ name: spec.name, partitions: spec.partitions, retentionMs: spec.retentionMs })));
}
