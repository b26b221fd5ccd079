import { Counter, Histogram } from 'prom-client';

/** Prometheus metrics of span ingestion, served on the service's /metrics. */
export const ingestMetrics = {
  accepted: new Counter({ name: 'estate_trace_spans_accepted_total', help: 'Spans durably appended to Kafka', labelNames: ['source'] }),
  rejected: new Counter({ name: 'estate_trace_spans_rejected_total', help: 'Spans rejected by decoding or limits, reported as partial success', labelNames: ['source'] }),
  appendFailures: new Counter({ name: 'estate_trace_append_failures_total', help: 'Requests answered with a retryable error because Kafka did not acknowledge the spans' }),
  appendSeconds: new Histogram({ name: 'estate_trace_append_seconds', help: 'Time for Kafka to acknowledge one request\'s records', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] }),
};
