/**
 * Every Kafka topic Estate reads or writes. No other file spells a topic name:
 * services, scripts and tests import these constants, so a rename cannot
 * orphan messages.
 */
export const Topics = {
  accessEvents: 'estate.access.events.v1',
  inventoryEvents: 'estate.inventory.events.v1',
  runtimeObservations: 'estate.trace.observations.v1',
  spans: 'estate.trace.spans.v1',
  usage: 'estate.cost.usage.v1',
  costEvents: 'estate.cost.events.v1',
  policyEvents: 'estate.policy.events.v1',
  policyDecisions: 'estate.policy.decisions.v1',
  approvalEvents: 'estate.approvals.events.v1',
  reportingEvents: 'estate.reporting.events.v1',
  deadLetter: 'estate.dead-letter.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Creation settings for a topic; the partition key keeps one aggregate's events in order. */
export interface TopicSpec {
  name: TopicName;
  partitions: number;
  /** Milliseconds; -1 keeps records forever, which event-sourced topics need for rebuilds. */
  retentionMs: number;
  partitionKey: string;
}

const FOREVER = -1;
const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

export const TOPIC_SPECS: readonly TopicSpec[] = [
  { name: Topics.accessEvents, partitions: 1, retentionMs: FOREVER, partitionKey: 'tenant id' },
  { name: Topics.inventoryEvents, partitions: 3, retentionMs: FOREVER, partitionKey: 'asset id' },
  { name: Topics.runtimeObservations, partitions: 3, retentionMs: FOREVER, partitionKey: 'observed asset key' },
  { name: Topics.spans, partitions: 6, retentionMs: FOREVER, partitionKey: 'trace id' },
  { name: Topics.usage, partitions: 6, retentionMs: FOREVER, partitionKey: 'trace id or usage id' },
  { name: Topics.costEvents, partitions: 3, retentionMs: FOREVER, partitionKey: 'budget id' },
  { name: Topics.policyEvents, partitions: 1, retentionMs: FOREVER, partitionKey: 'bundle id' },
  { name: Topics.policyDecisions, partitions: 6, retentionMs: FOREVER, partitionKey: 'trace id' },
  { name: Topics.approvalEvents, partitions: 3, retentionMs: FOREVER, partitionKey: 'approval id' },
  { name: Topics.reportingEvents, partitions: 1, retentionMs: FOREVER, partitionKey: 'record id' },
  { name: Topics.deadLetter, partitions: 1, retentionMs: THIRTY_DAYS_MS, partitionKey: 'source topic' },
];
