import { Counter, Histogram, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  return (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames });
}

function histogram(name: string, help: string, labelNames: string[]): Histogram<string> {
  return (
    (register.getSingleMetric(name) as Histogram<string>) ??
    new Histogram({ name, help, labelNames, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] })
  );
}

export const projectionMetrics = {
  applied: counter('estate_projection_events_applied_total', 'Events applied to a read model', ['projection']),
  duplicates: counter('estate_projection_duplicates_skipped_total', 'Events skipped because their id or offset was already applied', ['projection']),
  deadLettered: counter('estate_projection_dead_letters_total', 'Records sent to the dead-letter topic', ['projection', 'code']),
  batchSeconds: histogram('estate_projection_batch_seconds', 'Time to apply and commit one batch', ['projection']),
};
