import { decodeEvent, EventEnvelope } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { uniqueSuffix } from '@estate/testing';

/**
 * Collects one tenant's events from a topic, starting at the topic's current
 * end, so a test sees only what it caused. Call `stop` in afterAll.
 */
export async function collectTenantEvents(bus: KafkaBus, topic: string, tenantId: string) {
  const events: EventEnvelope[] = [];
  const start = await bus.topicOffsets(topic);
  const handle = await bus.consume({
    groupId: `test.collector.${uniqueSuffix()}`,
    topics: [topic],
    onAssigned: (_assignment, seek) => {
      for (const partition of start) seek(topic, partition.partition, partition.high);
    },
    eachBatch: async (batch, control) => {
      for (const record of batch.records) {
        if (record.headers['estate-tenant'] === tenantId) events.push(decodeEvent(record.value, topic));
        control.resolveOffset(record.offset);
      }
    },
  });
  return { events, stop: () => handle.stop() };
}
