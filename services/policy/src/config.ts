import { commonServiceSchema, integer, text } from '@estate/config';
import { Topics } from '@estate/contracts';

export const SERVICE_NAME = 'policy';
export const SERVICE_SCHEMA = 'policy';

/** Every variable the policy service reads, validated together at start. */
export const configSchema = {
  ...commonServiceSchema({ httpPort: 3002, grpcPort: 50052 }),
  POLICY_DECISION_CACHE_SIZE: integer('Decisions kept in the in-memory decision cache; 0 disables it', { default: '10000', min: 0, max: 1_000_000 }),
  POLICY_DECISION_CACHE_TTL_MS: integer('Milliseconds a cached decision stays valid; bounds staleness after a grant or window event', {
    default: '5000',
    min: 0,
    max: 600_000,
  }),
  // About 1.2 KB of heap per record with a short prompt, up to several KB with a long masked one.
  POLICY_RECORD_QUEUE_MAX: integer('Decision records waiting for Kafka before new decisions slow down or fail closed', {
    default: '5000',
    min: 1,
    max: 1_000_000,
  }),
  POLICY_FAIL_CLOSED_ACTIONS: {
    ...text('Comma-separated actions denied (instead of slowed) when decision records back up, such as write_dataset,invoke_tool'),
    default: 'write_dataset',
    parse: (raw: string) => raw.split(',').map((a) => a.trim()).filter(Boolean),
  },
  POLICY_DECISIONS_TOPIC: {
    ...text('Kafka topic decision records are written to; a benchmark points it at a topic of its own'),
    default: Topics.policyDecisions,
  },
  POLICY_MAX_OUTPUT_LENGTH: integer('Maximum characters of output a customer-facing channel accepts', { default: '20000', min: 1 }),
};

/** Settings the decision point reads, in the units the variables document. */
export interface DecisionSettings {
  cacheSize: number;
  cacheTtlMs: number;
  recordQueueMax: number;
  failClosedActions: string[];
  maxOutputLength: number;
  decisionsTopic: string;
}

export const DEFAULT_DECISION_SETTINGS: DecisionSettings = {
  cacheSize: 10000,
  cacheTtlMs: 5000,
  recordQueueMax: 5000,
  failClosedActions: ['write_dataset'],
  maxOutputLength: 20000,
  decisionsTopic: Topics.policyDecisions,
};

export function decisionSettingsFrom(config: Record<string, unknown>): DecisionSettings {
  return {
    cacheSize: (config.POLICY_DECISION_CACHE_SIZE as number | undefined) ?? DEFAULT_DECISION_SETTINGS.cacheSize,
    cacheTtlMs: (config.POLICY_DECISION_CACHE_TTL_MS as number | undefined) ?? DEFAULT_DECISION_SETTINGS.cacheTtlMs,
    recordQueueMax: (config.POLICY_RECORD_QUEUE_MAX as number | undefined) ?? DEFAULT_DECISION_SETTINGS.recordQueueMax,
    failClosedActions: (config.POLICY_FAIL_CLOSED_ACTIONS as string[] | undefined) ?? DEFAULT_DECISION_SETTINGS.failClosedActions,
    maxOutputLength: (config.POLICY_MAX_OUTPUT_LENGTH as number | undefined) ?? DEFAULT_DECISION_SETTINGS.maxOutputLength,
    decisionsTopic: (config.POLICY_DECISIONS_TOPIC as string | undefined) ?? DEFAULT_DECISION_SETTINGS.decisionsTopic,
  };
}
