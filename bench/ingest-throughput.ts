/**
 * OTLP ingest benchmark. Starts trace-ingest in this process (fresh schema,
 * per-run span and observation topics, deleted at the end), then:
 * 1. throughput: autocannon (ingest-load-client.ts, in its own process) POSTs one fixed OTLP/HTTP
 *    protobuf body INGEST_REQUESTS times over INGEST_CONNECTIONS loopback
 *    connections. A 200 means Kafka acknowledged every span from all
 *    in-sync replicas, so accepted spans per second are durably appended.
 * 2. freshness: after the projection has caught up, sends distinct bodies
 *    at 70% of the measured rate for INGEST_LATENCY_SECONDS and polls
 *    Postgres for one trace per request, reporting how long after the send
 *    started each trace was queryable (p50, p99, max).
 * INGEST_LAYOUT chooses how the service runs. `split` (the default) runs the
 * receiver role in this process and the projector role in a child process,
 * as a deployment that scales intake apart from projection would. `single`
 * runs the whole service in this process. INGEST_RECEIVER_PROCESSES (1 to 8,
 * default 1) above 1 moves the receiver role out of this process into that
 * many Node cluster workers sharing one port (trace-receivers.ts), as a
 * deployment uses more than one core for intake. There,
 * INGEST_RECEIVER_KAFKA_CLIENT sets the workers' KAFKA_CLIENT and
 * INGEST_RECEIVER_SEMI_SPACE_MB their V8 `--max-semi-space-size`, and
 * INGEST_RECEIVER_PROFILE_DIR=<dir> has each worker write a CPU profile there. INGEST_PROJECTOR_NICE (0 to 19,
 * default 0) lowers the projector's scheduling priority, which gives the
 * receivers the CPU first while the projection catches up from Kafka. INGEST_RECEIVE_ONLY=1 runs no
 * projection at all and skips step 2. INGEST_PROGRESS=1 prints each poll
 * of step 2 that found traces; INGEST_PROJECTOR_PROFILE_DIR=<dir> writes a
 * CPU profile of the projector process there.
 * Needs KAFKA_BROKERS and DATABASE_URL. Ends with a BENCH_RESULT line.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { Topics } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { ident } from '@estate/projection';
import { createLogger } from '@estate/telemetry';
import { dropSchema, freshSchemaName, freshTopic, issueTestKeys, startServiceForTest, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { appModule, migrations, projectionsForRole } from '../services/trace-ingest/src/app.module';
import { OtlpReceivers } from '../services/trace-ingest/src/otlp/otlp-receivers';
import { DEFAULT_LIMITS, TraceIngestSettings } from '../services/trace-ingest/src/settings';
import { agentTraceBody } from './ingest-payload';
import { integerFromEnv, printBenchResult, sizeFromEnv } from './suite/bench-result';
import { readMemoryMb } from './suite/services';

const run = promisify(execFile);
const SPANS_PER_REQUEST = sizeFromEnv('INGEST_SPANS_PER_REQUEST', 512);
const REQUESTS = sizeFromEnv('INGEST_REQUESTS', 400);
const CONNECTIONS = sizeFromEnv('INGEST_CONNECTIONS', 8);
const LATENCY_SECONDS = sizeFromEnv('INGEST_LATENCY_SECONDS', 15);
const RECEIVE_ONLY = process.env.INGEST_RECEIVE_ONLY === '1';
const LAYOUT = process.env.INGEST_LAYOUT === 'single' ? 'single' : 'split';
/** Scheduling priority of the projector process in the split layout (0 = same as the receivers). */
const PROJECTOR_NICE = integerFromEnv('INGEST_PROJECTOR_NICE', 0, 0, 19);
/** Receiver processes: 1 runs the receivers in this process, more runs them as cluster workers in a child. */
const RECEIVER_PROCESSES = integerFromEnv('INGEST_RECEIVER_PROCESSES', 1, 1, 8);

interface Receivers {
  schema: string;
  httpPort: number;
  /** Processes whose peak memory the result reports. */
  pids: number[];
  stop(): Promise<void>;
}

async function main(): Promise<void> {
  const infra = testInfrastructure();
  const logger = createLogger('ingest-bench', 'warn');
  const bus = new KafkaBus({ clientId: `ingest-bench-${uniqueSuffix()}`, brokers: infra.kafkaBrokers }, logger);
  const pool = new Pool({ connectionString: infra.databaseUrl, max: 2 });
  const settings: TraceIngestSettings = {
    otlpHttpPort: 0,
    otlpGrpcPort: 0,
    limits: DEFAULT_LIMITS,
    redaction: [],
    // Fresh topics throughout, so the control projection does not replay decisions other runs left on the shared topics.
    topics: {
      spans: await freshTopic(bus, Topics.spans, 6),
      observations: await freshTopic(bus, Topics.runtimeObservations, 3),
      policyDecisions: await freshTopic(bus, Topics.policyDecisions, 3),
      approvalEvents: await freshTopic(bus, Topics.approvalEvents, 3),
    },
  };
  const receivers = RECEIVER_PROCESSES > 1 ? await startReceiverCluster(settings.topics) : await startReceiversHere(settings);
  const schema = receivers.schema;
  const projector = !RECEIVE_ONLY && LAYOUT === 'split' ? await startProjector(schema, settings.topics) : undefined;
  process.stdout.write(`layout: ${describeLayout()}\n`);
  const url = `http://127.0.0.1:${receivers.httpPort}/v1/traces`;
  const tenantId = `bench-${uniqueSuffix()}`;
  const { ingest } = await issueTestKeys(bus, tenantId, ['ingest']);
  const headers = { 'content-type': 'application/x-protobuf', authorization: `Bearer ${ingest.key}` };
  const send = (body: Buffer) => fetch(url, { method: 'POST', headers, body });
  await waitFor('bench key accepted', async () => (await send(agentTraceBody(8).body)).status, (s) => s === 200);

  try {
    const fixed = agentTraceBody(SPANS_PER_REQUEST);
    const probe = await send(fixed.body);
    if (probe.status !== 200) throw new Error(`the fixed body was answered ${probe.status}: ${await probe.text()}`);
    const throughput = await measureThroughput(url, headers, fixed.body);
    process.stdout.write(`throughput: ${throughput.spansPerSecond.toFixed(0)} spans/s accepted and durably appended (${throughput.ok}/${REQUESTS} requests of ${SPANS_PER_REQUEST} spans, ${fixed.body.length} bytes each, ${CONNECTIONS} connections, ${throughput.seconds.toFixed(2)} s)\n`);

    if (RECEIVE_ONLY) {
      printBenchResult({ benchmark: 'ingest-throughput', receiveOnly: true, receiverProcesses: RECEIVER_PROCESSES, ...receiverTuning(), spansPerSecond: Math.round(throughput.spansPerSecond), payloadBytes: fixed.body.length, spansPerRequest: SPANS_PER_REQUEST, requests: REQUESTS, connections: CONNECTIONS });
      return;
    }
    const marker = agentTraceBody(8);
    await send(marker.body);
    const caughtUpAfter = performance.now();
    await waitFor('projection caught up with the throughput phase', () => visible(pool, schema, tenantId, marker.traceIds.slice(0, 1)), (n) => n === 1, { timeoutMs: 600_000, intervalMs: 200 });
    process.stdout.write(`projection caught up ${((performance.now() - caughtUpAfter) / 1000).toFixed(1)} s after the throughput phase\n`);

    const freshness = await measureFreshness(pool, schema, tenantId, send, throughput.spansPerSecond * 0.7);
    process.stdout.write(`freshness at ${freshness.spansPerSecond.toFixed(0)} spans/s offered (70% load): queryable p50 ${freshness.p50.toFixed(0)} ms, p99 ${freshness.p99.toFixed(0)} ms, max ${freshness.max.toFixed(0)} ms over ${freshness.samples} traces\n`);
    const receiverMb = receivers.pids.map(peakMemoryMb);
    const projectorMb = projector?.pid ? peakMemoryMb(projector.pid) : undefined;
    const receiverNote = RECEIVER_PROCESSES > 1 ? `receiver workers ${receiverMb.join(' and ')} MB` : `receiver process ${receiverMb[0]} MB (with this benchmark's own code)`;
    process.stdout.write(`peak resident memory (VmHWM): ${LAYOUT === 'split' ? `${receiverNote}, projector process ${projectorMb} MB` : `service process ${receiverMb[0]} MB (with this benchmark's own code)`}\n`);
    printBenchResult({ benchmark: 'ingest-throughput', layout: LAYOUT, receiverProcesses: RECEIVER_PROCESSES, ...receiverTuning(), projectorNice: LAYOUT === 'split' ? PROJECTOR_NICE : undefined, receiverHwmMb: Math.max(...receiverMb), projectorHwmMb: projectorMb, spansPerSecond: Math.round(throughput.spansPerSecond), payloadBytes: fixed.body.length, spansPerRequest: SPANS_PER_REQUEST, requests: REQUESTS, connections: CONNECTIONS, freshnessP50Ms: Math.round(freshness.p50), freshnessP99Ms: Math.round(freshness.p99), freshnessMaxMs: Math.round(freshness.max), offeredSpansPerSecond: Math.round(freshness.spansPerSecond) });
  } finally {
    await stopChild(projector);
    await receivers.stop();
    await dropSchema(pool, schema);
    await pool.end();
    await bus.deleteTopics(Object.values(settings.topics));
    await bus.close();
  }
}

/** Reads a process's peak resident memory (VmHWM) in whole MB. */
function peakMemoryMb(pid: number): number {
  return Math.round(readMemoryMb(pid)?.hwm ?? Number.NaN);
}

/** Returns the receiver workers' Kafka client and semi-space size, when the cluster layout sets them. */
function receiverTuning(): { receiverKafkaClient?: string; receiverSemiSpaceMb?: number } {
  if (RECEIVER_PROCESSES === 1) return {};
  const semiSpace = process.env.INGEST_RECEIVER_SEMI_SPACE_MB;
  return { receiverKafkaClient: process.env.INGEST_RECEIVER_KAFKA_CLIENT ?? process.env.KAFKA_CLIENT ?? 'kafkajs', receiverSemiSpaceMb: semiSpace ? Number(semiSpace) : undefined };
}

function describeLayout(): string {
  const intake = RECEIVER_PROCESSES > 1 ? `receiver in ${RECEIVER_PROCESSES} cluster workers` : 'receiver in this process';
  if (RECEIVE_ONLY) return `${intake}, no projection`;
  return LAYOUT === 'split' ? `${intake}, projector in a child process at nice ${PROJECTOR_NICE}` : 'one process';
}

/** Runs the receiver role (or, in the single layout, the whole service) in this process on a fresh schema. */
async function startReceiversHere(settings: TraceIngestSettings): Promise<Receivers> {
  const role = RECEIVE_ONLY || LAYOUT === 'split' ? 'receiver' : 'all';
  const service = await startServiceForTest('trace-ingest', { migrations, projections: projectionsForRole(role, settings), config: { DB_POOL_SIZE: 10 } }, (options) => appModule(options, settings, role));
  return { schema: service.options.schema, httpPort: service.app.get(OtlpReceivers).httpPort, pids: [process.pid], stop: () => service.stop() };
}

/** Runs the receiver role in RECEIVER_PROCESSES cluster workers of one child process on a fresh schema. */
async function startReceiverCluster(topics: TraceIngestSettings['topics']): Promise<Receivers> {
  if (LAYOUT === 'single') throw new Error('INGEST_RECEIVER_PROCESSES above 1 needs the split layout');
  const schema = freshSchemaName('trace_ingest');
  const semiSpace = process.env.INGEST_RECEIVER_SEMI_SPACE_MB ? [`--max-semi-space-size=${integerFromEnv('INGEST_RECEIVER_SEMI_SPACE_MB', 16, 1, 256)}`] : [];
  const { child, output } = await startChild('receiver cluster', 'trace-receivers.ts', [String(RECEIVER_PROCESSES), schema, JSON.stringify(topics)], {
    nodeFlags: [...semiSpace, ...profileFlags(process.env.INGEST_RECEIVER_PROFILE_DIR)],
    kafkaClient: process.env.INGEST_RECEIVER_KAFKA_CLIENT,
  });
  const workers = [...output.matchAll(/^worker (\d+) (\d+)$/gm)];
  const port = workers[0][2];
  const pids = workers.map((w) => Number(w[1]));
  return { schema, httpPort: Number(port), pids, stop: () => stopChild(child) };
}

/** Starts the projector role in its own Node process and waits until its projections run. */
async function startProjector(schema: string, topics: TraceIngestSettings['topics']): Promise<ChildProcess> {
  const { child } = await startChild('projector process', 'trace-projector.ts', [schema, JSON.stringify(topics)], {
    nodeFlags: profileFlags(process.env.INGEST_PROJECTOR_PROFILE_DIR),
    kafkaClient: process.env.INGEST_PROJECTOR_KAFKA_CLIENT,
  });
  if (PROJECTOR_NICE !== 0) setPriority(child.pid!, PROJECTOR_NICE);
  return child;
}

function profileFlags(dir: string | undefined): string[] {
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/**
 * Runs a benchmark script of this folder in its own Node process through
 * ts-node, with `kafkaClient` (when set) as its KAFKA_CLIENT, and resolves
 * with its output once it prints a line `ready`.
 */
async function startChild(name: string, script: string, args: string[], options: { nodeFlags: string[]; kafkaClient?: string }): Promise<{ child: ChildProcess; output: string }> {
  const child = spawn(process.execPath, [...options.nodeFlags, '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, KAFKA_CLIENT: options.kafkaClient ?? process.env.KAFKA_CLIENT },
  });
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (/^ready$/m.test(text)) resolve(text);
    });
  });
  return { child, output };
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function measureThroughput(url: string, headers: Record<string, string>, body: Buffer) {
  const file = join(mkdtempSync(join(tmpdir(), 'ingest-bench-')), 'body.bin');
  writeFileSync(file, body);
  const client = join(__dirname, 'ingest-load-client.ts');
  const { stdout } = await run(process.execPath, ['-r', 'ts-node/register/transpile-only', client, url, file, String(REQUESTS), String(CONNECTIONS), JSON.stringify(headers)], { maxBuffer: 16 * 1024 * 1024 });
  const report = JSON.parse(stdout) as { measuredSeconds: number; '2xx': number; non2xx: number; errors: number };
  if (report.non2xx > 0 || report.errors > 0) process.stdout.write(`warning: ${report.non2xx} non-2xx responses and ${report.errors} errors\n`);
  return { ok: report['2xx'], seconds: report.measuredSeconds, spansPerSecond: (report['2xx'] * SPANS_PER_REQUEST) / report.measuredSeconds };
}

async function visible(pool: Pool, schema: string, tenantId: string, traceIds: string[]): Promise<number> {
  const result = await pool.query(`SELECT count(*)::int AS n FROM ${ident(schema)}.traces WHERE tenant_id = $1 AND trace_id = ANY($2)`, [tenantId, traceIds]);
  return result.rows[0].n as number;
}

/** Sends distinct bodies at `spansPerSecond` and records, per request, when its first trace became queryable. */
async function measureFreshness(pool: Pool, schema: string, tenantId: string, send: (body: Buffer) => Promise<Response>, spansPerSecond: number) {
  const requestsPerSecond = spansPerSecond / SPANS_PER_REQUEST;
  const total = Math.max(1, Math.round(requestsPerSecond * LATENCY_SECONDS));
  const bodies = Array.from({ length: total }, () => agentTraceBody(SPANS_PER_REQUEST));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const started = performance.now();
  const sends: Array<Promise<unknown>> = [];
  let polling = true;
  const poller = (async () => {
    while (polling || sentAt.size > 0) {
      const pending = [...sentAt.keys()];
      if (pending.length > 0) {
        const result = await pool.query(`SELECT trace_id FROM ${ident(schema)}.traces WHERE tenant_id = $1 AND trace_id = ANY($2)`, [tenantId, pending]);
        const now = performance.now();
        if (process.env.INGEST_PROGRESS && result.rows.length > 0) process.stdout.write(`t=${((now - started) / 1000).toFixed(1)} pending=${sentAt.size} visible=${result.rows.length}\n`);
        for (const row of result.rows as Array<{ trace_id: string }>) {
          latencies.push(now - sentAt.get(row.trace_id)!);
          sentAt.delete(row.trace_id);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / requestsPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sentAt.set(bodies[i].traceIds[0], performance.now());
    sends.push(send(bodies[i].body).then((r) => r.status !== 200 && process.stdout.write(`warning: freshness request answered ${r.status}\n`)));
  }
  await Promise.all(sends);
  polling = false;
  await poller;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { spansPerSecond, samples: latencies.length, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
