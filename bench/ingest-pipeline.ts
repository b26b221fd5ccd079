/**
 * Measures the CPU per span of the receivers' own work, without HTTP or
 * Kafka. Each round decodes the ingest benchmark's OTLP/HTTP protobuf body
 * PIPELINE_REQUESTS times and turns it into Kafka records with
 * `SpanIngestor.toRecords` (limits, normalisation, validation, JSON
 * encoding). It prints microseconds per span for each part and the process
 * CPU per span. The first of PIPELINE_ROUNDS rounds warms the JIT up and is
 * left out of the medians. Ends with a BENCH_RESULT line.
 */
import { performance } from 'node:perf_hooks';
import type { MessageBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { SpanIngestor } from '../services/trace-ingest/src/ingest/span-ingestor';
import { decodeProtobufRequest } from '../services/trace-ingest/src/otlp/decode-protobuf';
import { DEFAULT_LIMITS } from '../services/trace-ingest/src/settings';
import { agentTraceBody } from './ingest-payload';
import { printBenchResult, sizeFromEnv } from './suite/bench-result';
import { quantile, round } from './suite/stats';

const SPANS_PER_REQUEST = 512;
const REQUESTS = sizeFromEnv('PIPELINE_REQUESTS', 300);
const ROUNDS = sizeFromEnv('PIPELINE_ROUNDS', 5);
const TOPICS = { spans: 'spans', observations: 'observations', policyDecisions: 'decisions', approvalEvents: 'approvals' };

function main(): void {
  // toRecords never touches the bus: it only builds the records that ingest() appends.
  const ingestor = new SpanIngestor({} as MessageBus, { otlpHttpPort: 0, otlpGrpcPort: 0, limits: DEFAULT_LIMITS, redaction: [], topics: TOPICS }, createLogger('ingest-pipeline', 'warn'));
  const { body } = agentTraceBody(SPANS_PER_REQUEST);
  const spans = REQUESTS * SPANS_PER_REQUEST;
  const rounds: Array<{ decode: number; records: number; cpu: number }> = [];
  for (let r = 0; r < ROUNDS; r++) {
    let decodeMs = 0;
    let recordsMs = 0;
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < REQUESTS; i++) {
      const started = performance.now();
      const batch = decodeProtobufRequest(body);
      const decoded = performance.now();
      ingestor.toRecords('tenant-bench', 'otlp-http-protobuf', batch);
      recordsMs += performance.now() - decoded;
      decodeMs += decoded - started;
    }
    const cpu = process.cpuUsage(cpuBefore);
    const figures = { decode: (decodeMs * 1000) / spans, records: (recordsMs * 1000) / spans, cpu: (cpu.user + cpu.system) / spans };
    process.stdout.write(`round ${r}: decode ${figures.decode.toFixed(2)} µs/span, toRecords ${figures.records.toFixed(2)} µs/span, process CPU ${figures.cpu.toFixed(2)} µs/span\n`);
    if (r > 0) rounds.push(figures);
  }
  const median = (pick: (f: { decode: number; records: number; cpu: number }) => number) => round(quantile(rounds.map(pick), 0.5));
  printBenchResult({ benchmark: 'ingest-pipeline', spansPerRequest: SPANS_PER_REQUEST, requests: REQUESTS, decodeMicrosPerSpan: median((f) => f.decode), toRecordsMicrosPerSpan: median((f) => f.records), cpuMicrosPerSpan: median((f) => f.cpu) });
}

main();
