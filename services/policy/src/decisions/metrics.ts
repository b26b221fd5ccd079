import { Counter, Gauge, register } from 'prom-client';

/** Returns the metric already registered under `name`, so two instances in one process share it. */
function shared<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** Decisions counted since the last scrape, by `outcome|cached`; added to the counter when it is collected. */
const uncollectedDecisions = new Map<string, number>();

export const decisionsTotal = shared(
  'estate_policy_decisions_total',
  () =>
    new Counter({
      name: 'estate_policy_decisions_total',
      help: 'Policy decisions returned, by outcome and whether the decision cache served them',
      labelNames: ['outcome', 'cached'],
      collect() {
        for (const [key, count] of uncollectedDecisions) {
          const [outcome, cached] = key.split('|');
          this.inc({ outcome, cached }, count);
        }
        uncollectedDecisions.clear();
      },
    }),
);

export const decisionRecords = shared(
  'estate_policy_decision_records_total',
  () => new Counter({ name: 'estate_policy_decision_records_total', help: 'Decision records by result: published, or retried after a failed send', labelNames: ['result'] }),
);

export const recordBackpressure = shared(
  'estate_policy_decision_backpressure_total',
  () => new Counter({ name: 'estate_policy_decision_backpressure_total', help: 'Decisions that met a full record queue: slowed (waited) or denied (fail-closed action)', labelNames: ['mode'] }),
);

/** Queue lengths of the live decision recorders, read when the gauge is collected. */
const recordQueues = new Set<() => number>();

export const recordQueueDepth = shared(
  'estate_policy_decision_record_queue',
  () =>
    new Gauge({
      name: 'estate_policy_decision_record_queue',
      help: 'Decision records waiting to be published',
      collect() {
        let queued = 0;
        for (const length of recordQueues) queued += length();
        this.set(queued);
      },
    }),
);

/** Adds a recorder's queue to the gauge; call the returned function when the recorder stops. */
export function watchRecordQueue(length: () => number): () => void {
  recordQueues.add(length);
  return () => recordQueues.delete(length);
}

/**
 * Counts one decision. A prom-client increment hashes its labels on every
 * call, so decisions are tallied in a map and added when /metrics is scraped.
 */
export function countDecision(outcome: string, cached: boolean): void {
  const key = `${outcome}|${cached}`;
  uncollectedDecisions.set(key, (uncollectedDecisions.get(key) ?? 0) + 1);
}
