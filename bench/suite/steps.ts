/**
 * The suite's steps in running order. Each is a script that repeats its own
 * measurement (warm-up plus BENCH_ROUNDS) and ends with a BENCH_RESULT line.
 * `sizes` give its environment per mode: smoke runs prove the suite works
 * end to end in a few minutes; full runs are sized so the whole suite
 * stays under 15 minutes on a 2-core machine (an estimate from smoke timings).
 */
export type SuiteMode = 'smoke' | 'full';

export interface Step {
  id: string;
  kind: 'limit' | 'ours' | 'choice';
  script: string;
  /** Services whose resident memory is sampled while the step runs. */
  services?: string[];
  sizes: Record<SuiteMode, Record<string, string>>;
  timeoutSeconds: number;
}

export const STEPS: Step[] = [
  {
    id: 'limit-kafka-tools',
    kind: 'limit',
    script: 'bench/suite/limits/kafka-tools.ts',
    sizes: { smoke: { KAFKA_TOOL_RECORDS: '10000' }, full: { KAFKA_TOOL_RECORDS: '100000' } },
    timeoutSeconds: 240,
  },
  {
    id: 'limit-postgres-copy',
    kind: 'limit',
    script: 'bench/suite/limits/postgres-copy.ts',
    sizes: { smoke: { COPY_SPANS: '8000' }, full: { COPY_SPANS: '40000' } },
    timeoutSeconds: 180,
  },
  {
    id: 'limit-otlp-http',
    kind: 'limit',
    script: 'bench/suite/limits/otlp-http.ts',
    sizes: { smoke: { LOAD_SECONDS: '2' }, full: { LOAD_SECONDS: '5' } },
    timeoutSeconds: 120,
  },
  {
    id: 'limit-cedar',
    kind: 'limit',
    script: 'bench/suite/limits/cedar.ts',
    sizes: { smoke: { CEDAR_CALLS: '3000' }, full: { CEDAR_CALLS: '20000' } },
    timeoutSeconds: 120,
  },
  { id: 'ingest-throughput', kind: 'ours', script: 'bench/ingest-throughput.ts', sizes: { smoke: {}, full: {} }, timeoutSeconds: 240 },
  {
    id: 'ingest-receive-only',
    kind: 'ours',
    script: 'bench/ingest-throughput.ts',
    sizes: { smoke: { INGEST_RECEIVE_ONLY: '1' }, full: { INGEST_RECEIVE_ONLY: '1', INGEST_REQUESTS: '600' } },
    timeoutSeconds: 120,
  },
  {
    id: 'ingest-receive-cluster',
    kind: 'ours',
    script: 'bench/ingest-throughput.ts',
    sizes: {
      smoke: { INGEST_RECEIVE_ONLY: '1', INGEST_RECEIVER_PROCESSES: '2', INGEST_RECEIVER_KAFKA_CLIENT: 'platformatic' },
      full: { INGEST_RECEIVE_ONLY: '1', INGEST_RECEIVER_PROCESSES: '2', INGEST_RECEIVER_KAFKA_CLIENT: 'platformatic', INGEST_REQUESTS: '1000' },
    },
    timeoutSeconds: 150,
  },
  { id: 'usage-pricing', kind: 'ours', script: 'bench/usage-pricing.ts', services: ['cost-ledger'], sizes: { smoke: {}, full: {} }, timeoutSeconds: 180 },
  { id: 'cost-rollup', kind: 'ours', script: 'bench/cost-rollup.ts', services: ['cost-ledger'], sizes: { smoke: {}, full: {} }, timeoutSeconds: 240 },
  { id: 'reach-query', kind: 'ours', script: 'bench/reach-query.ts', services: ['inventory'], sizes: { smoke: {}, full: {} }, timeoutSeconds: 180 },
  { id: 'policy-decisions', kind: 'ours', script: 'bench/policy-decisions.ts', services: ['policy'], sizes: { smoke: {}, full: {} }, timeoutSeconds: 180 },
  {
    id: 'projection-throughput',
    kind: 'ours',
    script: 'bench/projection-throughput.ts',
    sizes: { smoke: { PROJECTION_EVENTS: '1000' }, full: { PROJECTION_EVENTS: '5000' } },
    timeoutSeconds: 300,
  },
  {
    id: 'kafka-clients',
    kind: 'choice',
    script: 'bench/kafka-clients/compare.ts',
    sizes: { smoke: { KAFKA_BENCH_RECORDS: '5000' }, full: { KAFKA_BENCH_RECORDS: '20000' } },
    timeoutSeconds: 300,
  },
  {
    id: 'http-adapter',
    kind: 'choice',
    script: 'bench/http-adapter/compare.ts',
    sizes: { smoke: { LOAD_SECONDS: '2' }, full: { LOAD_SECONDS: '5' } },
    timeoutSeconds: 180,
  },
];

/** Default ports from the design; a service is started for sampling only when its port is free. */
export const SERVICE_PORTS: Record<string, number> = {
  inventory: 3001,
  policy: 3002,
  approvals: 3003,
  'trace-ingest': 3004,
  'cost-ledger': 3005,
  reporting: 3006,
};
