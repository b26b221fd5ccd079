import { round } from './stats';
import type { MemoryPeak } from './services';

/** One step's outcome as the results file stores it. */
export interface StepOutcome {
  id: string;
  kind: string;
  status: 'ok' | 'not available' | 'failed';
  seconds: number;
  result?: Record<string, unknown>;
  /** Last lines of output when the script printed no BENCH_RESULT line, or failed. */
  rawTail?: string;
  memory?: MemoryPeak[];
}

export interface Headline {
  figure: string;
  value: number | undefined;
  unit: string;
  limit?: string;
  ratio?: number;
  target: string;
  verdict: 'met' | 'missed' | 'reported' | 'not available';
}

/**
 * Finds the first number in `result` (searched depth first) whose key
 * matches `pattern`; a summary object ({median, ...}) gives its median.
 * Domain scripts agree only on printing a BENCH_RESULT line, so their key
 * names are matched loosely.
 */
export function findFigure(result: unknown, pattern: RegExp): number | undefined {
  if (!result || typeof result !== 'object') return undefined;
  for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
    if (pattern.test(key)) {
      if (typeof value === 'number') return value;
      if (value && typeof value === 'object' && typeof (value as { median?: unknown }).median === 'number') return (value as { median: number }).median;
    }
  }
  for (const value of Object.values(result as Record<string, unknown>)) {
    if (value && typeof value === 'object') {
      const found = findFigure(value, pattern);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function verdictOf(value: number | undefined, ok: (v: number) => boolean): Headline['verdict'] {
  if (value === undefined || Number.isNaN(value)) return 'not available';
  return ok(value) ? 'met' : 'missed';
}

/** Builds the headline rows: each figure of ours beside its limit and its target. */
export function headlines(outcomes: Map<string, StepOutcome>): Headline[] {
  const result = (id: string) => outcomes.get(id)?.result;
  const figure = (id: string, pattern: RegExp) => findFigure(result(id), pattern);
  const rows: Headline[] = [];
  const ratioRow = (name: string, value: number | undefined, unit: string, limitName: string, limit: number | undefined, min: number, absolute?: number) => {
    const ratio = value !== undefined && limit ? value / limit : undefined;
    const meetsAbsolute = absolute === undefined || (value !== undefined && value >= absolute);
    const target = absolute === undefined ? `≥ ${min * 100}% of limit` : `≥ ${absolute} ${unit} and ≥ ${min * 100}% of limit`;
    rows.push({ figure: name, value, unit, limit: limitName, ratio, target, verdict: verdictOf(ratio, (r) => r >= min && meetsAbsolute) });
  };

  const producerSpans = (figure('limit-kafka-tools', /^producePerSecond$/) ?? NaN) * (figure('limit-kafka-tools', /^spansPerRecord$/) ?? NaN);
  ratioRow('OTLP ingest', figure('ingest-throughput', /^spansPerSecond$/), 'spans/s', `producer tool ${round(producerSpans)} spans/s`, producerSpans, 0.4, 25_000);
  const bareHttp = figure('limit-otlp-http', /^spansPerSecond$/);
  const ingest = figure('ingest-throughput', /^spansPerSecond$/);
  rows.push({ figure: 'OTLP ingest vs bare HTTP decode', value: ingest, unit: 'spans/s', limit: `bare server ${round(bareHttp ?? NaN)} spans/s`, ratio: ingest && bareHttp ? ingest / bareHttp : undefined, target: 'no target', verdict: ingest === undefined ? 'not available' : 'reported' });

  const receiversAlone = figure('ingest-receive-only', /^spansPerSecond$/);
  rows.push({ figure: 'OTLP ingest, receivers alone (no projection running)', value: receiversAlone, unit: 'spans/s', limit: `producer tool ${round(producerSpans)} spans/s`, ratio: receiversAlone && producerSpans ? receiversAlone / producerSpans : undefined, target: 'reported', verdict: receiversAlone === undefined ? 'not available' : 'reported' });

  const clustered = figure('ingest-receive-cluster', /^spansPerSecond$/);
  rows.push({ figure: 'OTLP ingest, receivers alone in 2 cluster workers on @platformatic/kafka', value: clustered, unit: 'spans/s', limit: `producer tool ${round(producerSpans)} spans/s`, ratio: clustered && producerSpans ? clustered / producerSpans : undefined, target: 'reported', verdict: clustered === undefined ? 'not available' : 'reported' });

  const freshness = figure('ingest-throughput', /freshnessP99Ms/i);
  rows.push({ figure: 'freshness p99', value: freshness, unit: 'ms', target: '≤ 1000 ms', verdict: verdictOf(freshness, (v) => v <= 1000) });

  const copy = figure('limit-postgres-copy', /^perSecond$/);
  ratioRow('projection (live)', figure('projection-throughput', /^livePerSecond$/), 'spans/s', `COPY ${round(copy ?? NaN)} spans/s`, copy, 0.5);
  ratioRow('projection (rebuild)', figure('projection-throughput', /^rebuildPerSecond$/), 'spans/s', `COPY ${round(copy ?? NaN)} spans/s`, copy, 0.7);

  const pricing = figure('usage-pricing', /records_?per_?second|perSecond/i);
  rows.push({ figure: 'usage pricing', value: pricing, unit: 'records/s', target: '≥ 20000 records/s', verdict: verdictOf(pricing, (v) => v >= 20_000) });

  // The policy benchmark times the bare engine call on the same entity slice as its decisions;
  // that is the fair floor, so it wins over the separate Cedar loop when present.
  const sameSliceBareMs = figure('policy-decisions', /^bareP99Ms$/);
  const cedarP99 = sameSliceBareMs !== undefined ? sameSliceBareMs * 1000 : figure('limit-cedar', /^p99Micros$/);
  const inProcessP99 = figure('policy-decisions', /inProcess.*p99/i);
  const inProcessMicros = inProcessP99 === undefined ? undefined : inProcessP99 * 1000;
  rows.push({
    figure: 'decision in process p99', value: inProcessP99, unit: 'ms', limit: `bare Cedar p99 ${round((cedarP99 ?? NaN) / 1000)} ms`,
    ratio: inProcessMicros && cedarP99 ? inProcessMicros / cedarP99 : undefined, target: '≤ 1.2 × bare Cedar',
    verdict: verdictOf(inProcessMicros && cedarP99 ? inProcessMicros / cedarP99 : undefined, (r) => r <= 1.2),
  });
  // A bare HTTP server under the same paced client: what the machine gives before any decision work.
  const floorP99 = figure('policy-decisions', /^httpFloorP99Ms$/);
  const floorLimit = floorP99 === undefined ? undefined : `bare HTTP server p99 ${floorP99} ms`;
  for (const wire of ['http', 'grpc']) {
    const p99 = figure('policy-decisions', new RegExp(`^${wire}P99Ms$`));
    rows.push({ figure: `decision over ${wire} p99`, value: p99, unit: 'ms', limit: floorLimit, target: '≤ 2 ms at 5000/s', verdict: verdictOf(p99, (v) => v <= 2) });
  }

  const reach = figure('reach-query', /singleP99Ms|p99/i);
  rows.push({ figure: 'reach query p99', value: reach, unit: 'ms', target: '≤ 50 ms', verdict: verdictOf(reach, (v) => v <= 50) });
  const rollup = figure('cost-rollup', /^daily_p99_ms$/);
  rows.push({ figure: '7-day rollup', value: rollup, unit: 'ms', target: '≤ 500 ms', verdict: verdictOf(rollup, (v) => v <= 500) });

  // Memory under load comes from the processes the benchmarks load (from source, through ts-node, with the
  // benchmark's own code). The services the suite starts are compiled and stay idle, so they give the floor.
  const underLoad: Array<[string, string, RegExp]> = [
    ['trace-ingest receiver process', 'ingest-throughput', /^receiverHwmMb$/],
    ['trace-ingest projector process', 'ingest-throughput', /^projectorHwmMb$/],
    ['policy benchmark process (service in process)', 'policy-decisions', /^benchProcessPeakMb$/],
  ];
  for (const [name, step, pattern] of underLoad) {
    const mb = figure(step, pattern);
    if (mb !== undefined) rows.push({ figure: `${name} resident memory under load (ts-node)`, value: mb, unit: 'MB', target: '≤ 256 MB', verdict: verdictOf(mb, (v) => v <= 256) });
  }
  for (const outcome of outcomes.values()) {
    for (const peak of outcome.memory ?? []) {
      rows.push({ figure: `${peak.service} resident memory at rest (compiled, idle beside ${outcome.id})`, value: peak.hwmMb, unit: 'MB', target: 'reported', verdict: 'reported' });
    }
  }
  return rows;
}

export function markdownTable(rows: Headline[]): string {
  const format = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : String(round(v)));
  const lines = ['| figure | value | limit (same run) | ratio | target | verdict |', '|---|---|---|---|---|---|'];
  for (const row of rows) {
    lines.push(`| ${row.figure} | ${format(row.value)} ${row.value === undefined ? '' : row.unit} | ${row.limit ?? '–'} | ${row.ratio === undefined ? '–' : `${format(row.ratio * 100)}%`} | ${row.target} | ${row.verdict} |`);
  }
  return lines.join('\n');
}
