import { Counter, Gauge, register } from 'prom-client';

/** Returns the metric already registered under `name`, so two instances in one process share it. */
function shared<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

export const decisionsTotal = shared(
  'estate_policy_decisions_total',
  () => new Counter({ name: 'estate_policy_decisions_total', help: 'Policy decisions answered, by outcome and whether the decision cache served them', labelNames: ['outcome', 'cached'] }),
);

export const decisionRecords = shared(
  'estate_policy_decision_records_total',
  () => new Counter({ name: 'estate_policy_decision_records_total', help: 'Decision records by result: published, or retried after a failed send', labelNames: ['result'] }),
);

export const recordBackpressure = shared(
  'estate_policy_decision_backpressure_total',
  () => new Counter({ name: 'estate_policy_decision_backpressure_total', help: 'Decisions that met a full record queue: slowed (waited) or denied (fail-closed action)', labelNames: ['mode'] }),
);

export const recordQueueDepth = shared(
  'estate_policy_decision_record_queue',
  () => new Gauge({ name: 'estate_policy_decision_record_queue', help: 'Decision records waiting to be published' }),
);

const decisionCounters = new Map<string, ReturnType<typeof decisionsTotal.labels>>();

/** Counts one decision; the labelled child is looked up once per label pair, not hashed on every call. */
export function countDecision(outcome: string, cached: boolean): void {
  const key = `${outcome}|${cached}`;
  let counter = decisionCounters.get(key);
  if (!counter) {
    counter = decisionsTotal.labels({ outcome, cached: String(cached) });
    decisionCounters.set(key, counter);
  }
  counter.inc();
}
