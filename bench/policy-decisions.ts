/**
 * Policy decision latency: the decision point in process, over HTTP
 * (`POST /v1/decisions`) and over gRPC, beside the bare Cedar call
 * (`statefulIsAuthorized` on the same pre-parsed bundle, entity slice and
 * context) measured in the same run. The in-process phase alternates blocks
 * of bare calls and decisions, so both see the same machine noise. Each of
 * those decisions carries unique tool-call arguments, so it misses the
 * decision cache and measures a full evaluation. Repeated identical
 * requests measure the cache hit.
 *
 * The wire loads are paced (POLICY_BENCH_RATE per second for
 * POLICY_BENCH_SECONDS) from a child process, so the load client does not
 * share the service's event loop. Latency is counted from each request's
 * scheduled send time, so a saturated service shows up as queueing. The
 * request mix is deterministic per request number:
 * - POLICY_BENCH_REPEAT_PERCENT (default 50) percent repeat one of 200 hot
 *   requests, as an agent loop does when it reissues a tool call. The rest
 *   carry unique arguments and miss the cache.
 * - one request in four carries a prompt (one of them with an email
 *   address), so the prompt, PII and secret scans run.
 * The output states the rate reached, the share the cache served and the
 * load client's own CPU use. The in-process phases wait, untimed, for their
 * decision records to be published every 1000 calls, and the wire phases
 * start with an empty record queue, so no phase pays for another's backlog. Targets are reported as met or
 * missed, never asserted. Ends with a BENCH_RESULT line.
 * Sizes: POLICY_BENCH_CALLS (default 5000), POLICY_BENCH_RATE (5000),
 * POLICY_BENCH_SECONDS (10), POLICY_BENCH_CONCURRENCY (64).
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:net';
import { Agent, request as httpRequest } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Pool } from 'pg';
import { register } from 'prom-client';
import { Topics } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { readStoredOffsets } from '@estate/projection';
import { cedar, EntityJson, runRuntimeChecks } from '@estate/policy-engine';
import { createLogger } from '@estate/telemetry';
import { dropSchema, freshTopic, issueTestKeys, startServiceForTest, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { appModule, migrations, POLICY_PROTO, policyProjections } from '../services/policy/src/app.module';
import { BundleRegistry } from '../services/policy/src/bundles/bundle-registry';
import { DecisionPoint } from '../services/policy/src/decisions/decision-point';
import { DecisionRequestDto } from '../services/policy/src/decisions/decision.dto';
import { EntityCache } from '../services/policy/src/entities/entity-cache';
import { startHttpFloor } from './policy-http-floor';
import { printBenchResult, sizeFromEnv } from './suite/bench-result';
import { readMemoryMb } from './suite/services';
import { quantile, round } from './suite/stats';

const CALLS = sizeFromEnv('POLICY_BENCH_CALLS', 5_000);
const RATE = sizeFromEnv('POLICY_BENCH_RATE', 5_000);
const SECONDS = sizeFromEnv('POLICY_BENCH_SECONDS', 10);
const CONCURRENCY = sizeFromEnv('POLICY_BENCH_CONCURRENCY', 64);
const REPEAT_PERCENT = percentFromEnv('POLICY_BENCH_REPEAT_PERCENT', 50);
const HOT_REQUESTS = 200;
const AB_BLOCK = 50;
const DRAIN_EVERY = 1000;
const RECORD_DRAIN_TIMEOUT_MS = 120_000;
const CATCH_UP_TIMEOUT_MS = 300_000;
const IN_PROCESS_TARGET_RATIO = 1.2;
const WIRE_TARGET_P99_MS = 2;

const ENTITIES = [
  { uid: { type: 'Agent', id: 'analyst' }, attrs: { policyClass: 'internal', toolScope: ['search_docs'], environment: 'prod' }, parents: [] },
  { uid: { type: 'Tool', id: 'search_docs' }, attrs: { sideEffects: false }, parents: [] },
];

const PROMPTS = [
  'Summarise the incident reports filed for the payments service last week and list the owners of each open action item.',
  'Find the runbook for rotating database credentials; the on-call engineer is jane.doe@example.com and needs the latest version.',
];

/** Builds the request every phase sends; `n` makes its arguments, and so its cache key, unique. */
function decisionRequest(n: number | undefined, prompt?: string) {
  return {
    principal: { type: 'Agent', id: 'analyst' },
    action: 'invoke_tool' as const,
    resource: { type: 'Tool', id: 'search_docs' },
    context: { environment: 'prod', ...(prompt === undefined ? {} : { prompt }), ...(n === undefined ? {} : { arguments: { requestNumber: n } }) },
  };
}

/** Mixes the bits of a request number (a 32-bit integer hash), so the wire mix is the same in every run. */
function mix32(n: number): number {
  let x = Math.imul(n ^ (n >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Request `n` of the wire mix: a hot request for REPEAT_PERCENT of numbers, else one with unique arguments. */
function wireRequest(n: number, repeatPercent: number) {
  const bits = mix32(n);
  const id = bits % 100 < repeatPercent ? (bits >>> 8) % HOT_REQUESTS : HOT_REQUESTS + n;
  return decisionRequest(id, id % 4 === 0 ? PROMPTS[(id >>> 2) % PROMPTS.length] : undefined);
}

function percentFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 100) throw new Error(`${name}=${raw} is invalid; expected a whole percentage from 0 to 100`);
  return value;
}

/** Peak resident memory of this process so far (VmHWM), in MB. */
function peakResidentMb(): number {
  return Math.round(readMemoryMb(process.pid)?.hwm ?? Number.NaN);
}

interface LoadPlan {
  kind: 'http' | 'grpc';
  target: string;
  apiKey: string;
  rate: number;
  seconds: number;
  concurrency: number;
  repeatPercent: number;
  /** Number of this load's first request, so two loads never send the same unique request. */
  firstRequest: number;
}

interface LoadReport {
  latenciesMs: number[];
  errors: number;
  firstError?: string;
  elapsedSeconds: number;
  /** Responses with `cached: true`. */
  cacheHits: number;
  /** CPU seconds the load client used (user and system). */
  clientCpuSeconds: number;
}

interface Percentiles {
  p50Ms: number;
  p99Ms: number;
}

function percentiles(latenciesMs: ArrayLike<number>): Percentiles {
  const values = Array.from(latenciesMs);
  return { p50Ms: round(quantile(values, 0.5)), p99Ms: round(quantile(values, 0.99)) };
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function elapsedMs(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

/** Times `calls` sequential calls, waiting untimed for published records every DRAIN_EVERY calls. */
async function timeAsync(calls: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies = new Array<number>(calls);
  for (let i = 0; i < calls; i++) {
    if (i % DRAIN_EVERY === 0) await drainDecisionRecords();
    const before = process.hrtime.bigint();
    await call(i);
    latencies[i] = elapsedMs(before);
  }
  return latencies;
}

/**
 * Times `calls` of each, alternating blocks of AB_BLOCK bare calls and
 * AB_BLOCK decisions. Every DRAIN_EVERY decisions it waits, untimed, for the
 * decision records to be published, so the record queue never fills and
 * the timed calls measure the request path, not Kafka back-pressure.
 */
async function timeAlternating(calls: number, bare: () => unknown, decide: (i: number) => Promise<unknown>) {
  const bareMs: number[] = [];
  const decideMs: number[] = [];
  for (let start = 0; start < calls; start += AB_BLOCK) {
    if (start % DRAIN_EVERY === 0) await drainDecisionRecords();
    const end = Math.min(start + AB_BLOCK, calls);
    for (let i = start; i < end; i++) {
      const before = process.hrtime.bigint();
      bare();
      bareMs.push(elapsedMs(before));
    }
    for (let i = start; i < end; i++) {
      const before = process.hrtime.bigint();
      await decide(i);
      decideMs.push(elapsedMs(before));
    }
  }
  return { bareMs, decideMs };
}

/**
 * Waits until every projection of the fresh service schema has applied its
 * topics up to the high watermark. A new schema starts from each topic's
 * beginning, and the shared topics can hold many events from other runs;
 * measuring while the service catches up would charge that work to decisions.
 */
async function waitForProjections(bus: KafkaBus, pool: Pool, schema: string): Promise<number> {
  const started = performance.now();
  for (const projection of policyProjections()) {
    for (const topic of projection.topics) {
      const highs = await bus.topicOffsets(topic);
      for (;;) {
        const stored = await readStoredOffsets(pool, schema, projection.name);
        const behind = highs.filter((h) => {
          const next = stored.find((o) => o.topic === topic && o.partition === h.partition)?.nextOffset ?? BigInt(h.low);
          return next < BigInt(h.high);
        });
        if (behind.length === 0) break;
        if (performance.now() - started > CATCH_UP_TIMEOUT_MS) throw new Error(`projection ${projection.name} still behind on ${topic} after ${CATCH_UP_TIMEOUT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }
  return (performance.now() - started) / 1000;
}

/** Waits until the decision point has published every queued decision record; returns how long it took. */
async function drainDecisionRecords(): Promise<{ records: number; seconds: number }> {
  const gauge = register.getSingleMetric('estate_policy_decision_record_queue');
  const queued = async () => ((await gauge?.get())?.values[0]?.value ?? 0) as number;
  const records = await queued();
  const started = performance.now();
  while ((await queued()) > 0) {
    if (performance.now() - started > RECORD_DRAIN_TIMEOUT_MS) throw new Error(`decision records still queued after ${RECORD_DRAIN_TIMEOUT_MS} ms; is Kafka up?`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { records, seconds: (performance.now() - started) / 1000 };
}

/** Runs one paced load in a child process and returns its latencies. */
function runLoad(plan: LoadPlan): Promise<LoadReport> {
  return new Promise((done, fail) => {
    const child = fork(__filename, [], {
      execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
      env: { ...process.env, POLICY_BENCH_LOAD_PLAN: JSON.stringify(plan) },
    });
    let report: LoadReport | undefined;
    child.once('message', (message) => { report = message as LoadReport; });
    child.once('error', fail);
    child.once('exit', (code) => (report ? done(report) : fail(new Error(`${plan.kind} load client exited with code ${code} and no report`))));
  });
}

/**
 * Load client: sends `rate` requests per second for `seconds`, at most
 * `concurrency` in flight. One 1 ms interval timer releases every request
 * whose scheduled time has come, so pacing costs one timer, not one per request.
 */
async function loadClient(plan: LoadPlan): Promise<void> {
  const send = plan.kind === 'http' ? httpSender(plan) : grpcSender(plan);
  const total = plan.rate * plan.seconds;
  const latenciesMs: number[] = [];
  let errors = 0;
  let cacheHits = 0;
  let firstError: string | undefined;
  let next = 0;
  let inFlight = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await new Promise<void>((finish) => {
    const release = () => {
      const now = performance.now();
      while (next < total && inFlight < plan.concurrency) {
        const scheduledAt = started + (next * 1000) / plan.rate;
        if (scheduledAt > now) break;
        const n = next++;
        inFlight++;
        send(n)
          .then((cached) => {
            latenciesMs.push(performance.now() - scheduledAt);
            if (cached) cacheHits++;
          })
          .catch((error: Error) => {
            errors++;
            firstError ??= error.message;
          })
          .finally(() => {
            inFlight--;
            if (next >= total && inFlight === 0) {
              clearInterval(timer);
              finish();
            } else {
              release();
            }
          });
      }
    };
    const timer = setInterval(release, 1);
    release();
  });
  const cpu = process.cpuUsage(cpuBefore);
  const report: LoadReport = {
    latenciesMs, errors, firstError, cacheHits,
    elapsedSeconds: (performance.now() - started) / 1000,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
  process.send!(report, () => process.exit(0));
}

/** Sends request `n` of the mix over HTTP; resolves with whether the cache served it. */
function httpSender(plan: LoadPlan): (n: number) => Promise<boolean> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const url = new URL('/v1/decisions', plan.target);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${plan.apiKey}` };
  return (n) =>
    new Promise((done, fail) => {
      const body = JSON.stringify(wireRequest(plan.firstRequest + n, plan.repeatPercent));
      const req = httpRequest(url, { method: 'POST', agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.once('end', () => (res.statusCode === 200 ? done(text.includes('"cached":true')) : fail(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`))));
      });
      req.once('error', fail);
      req.end(body);
    });
}

/** Sends request `n` of the mix over gRPC; resolves with whether the cache served it. */
function grpcSender(plan: LoadPlan): (n: number) => Promise<boolean> {
  const definition = protoLoader.loadSync(POLICY_PROTO, { keepCase: true, longs: String });
  const Service = (grpc.loadPackageDefinition(definition) as any).estate.policy.v1.PolicyDecisionService as grpc.ServiceClientConstructor;
  const client = new Service(plan.target, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${plan.apiKey}`);
  return (n) =>
    new Promise((done, fail) => {
      const request = wireRequest(plan.firstRequest + n, plan.repeatPercent);
      const context = { environment: 'prod', prompt: request.context.prompt ?? '', arguments_json: JSON.stringify(request.context.arguments) };
      (client as any).Decide({ ...request, context }, metadata, (error: Error | null, response?: { cached?: boolean }) => (error ? fail(error) : done(response?.cached === true)));
    });
}

/** Runs one wire load and adds the CPU this process (the service) used meanwhile, in percent of one core. */
async function measuredLoad(plan: LoadPlan) {
  const cpuBefore = process.cpuUsage();
  const report = await runLoad(plan);
  const cpu = process.cpuUsage(cpuBefore);
  return { ...loadFigures(report, plan), serviceCpuPercent: round((100 * (cpu.user + cpu.system)) / 1e6 / report.elapsedSeconds) };
}

function loadFigures(report: LoadReport, plan: LoadPlan) {
  return {
    ...percentiles(report.latenciesMs),
    perSecond: round(report.latenciesMs.length / report.elapsedSeconds),
    targetRate: plan.rate,
    cacheHitPercent: round((100 * report.cacheHits) / Math.max(report.latenciesMs.length, 1)),
    clientCpuPercent: round((100 * report.clientCpuSeconds) / report.elapsedSeconds),
    errors: report.errors,
    firstError: report.firstError,
  };
}

async function main(): Promise<void> {
  const infra = testInfrastructure();
  const grpcPort = await freePort();
  const logger = createLogger('policy-bench', 'warn');
  const bus = new KafkaBus({ clientId: 'policy-bench', brokers: infra.kafkaBrokers }, logger);
  // Records go to a topic of this run's own, deleted at the end, so tens of thousands of decisions
  // are not left on the shared decisions topic for every fresh consumer to read.
  const decisionsTopic = await freshTopic(bus, Topics.policyDecisions, 6);
  const service = await startServiceForTest(
    'policy',
    {
      migrations,
      projections: policyProjections(),
      grpc: { packages: ['estate.policy.v1'], protoPaths: [POLICY_PROTO] },
      config: { GRPC_PORT: grpcPort, POLICY_DECISIONS_TOPIC: decisionsTopic } as never,
    },
    appModule,
  );
  const tenantId = `bench-${uniqueSuffix()}`;
  try {
    const { security } = await issueTestKeys(bus, tenantId, ['security']);
    const put = () =>
      fetch(`${service.baseUrl}/v1/entities`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${security.key}` },
        body: JSON.stringify({ entities: ENTITIES }),
      });
    await waitFor('bench key accepted and entities stored', put, (r) => r.status === 200);
    const pool = new Pool({ connectionString: infra.databaseUrl });
    const catchUpSeconds = await waitForProjections(bus, pool, service.options.schema).finally(() => pool.end());
    console.log(`projections caught up in ${round(catchUpSeconds)} s before measuring`);

    const decisionPoint = service.app.get(DecisionPoint);
    const registry = service.app.get(BundleRegistry);
    const entityCache = service.app.get(EntityCache);
    const first = await decisionPoint.decide(tenantId, decisionRequest(0) as DecisionRequestDto);
    if (first.outcome !== 'allow') throw new Error(`the bench request should be allowed, got ${first.outcome}: ${first.reasons.join('; ')}`);

    // The bare call gets exactly what the decision point hands the engine: the pre-parsed bundle, the slice and the context.
    const bundle = await registry.activeBundle(tenantId);
    const request = decisionRequest(undefined);
    const slice = await entityCache.slice(tenantId, [request.principal, request.resource], []);
    const principalAttrs = slice.entities[0].attrs as { toolScope: string[]; environment: string; policyClass: string };
    const checks = runRuntimeChecks({
      action: request.action, toolName: request.resource.id, environment: 'prod',
      agentToolScope: principalAttrs.toolScope, principalEnvironment: principalAttrs.environment, customerFacingChannel: false, maxOutputLength: 20_000,
    });
    const bareRequest = {
      principal: request.principal, action: { type: 'Action', id: request.action }, resource: request.resource,
      context: { environment: 'prod', policyClass: principalAttrs.policyClass, ...checks.context } as never,
      entities: slice.entities as EntityJson[],
      preparsedPolicySetId: bundle.loaded.policySetId, preparsedSchemaName: bundle.loaded.schemaName, validateRequest: true,
    };
    const bareAnswer = cedar.statefulIsAuthorized(bareRequest);
    if (bareAnswer.type !== 'success' || bareAnswer.response.decision !== 'allow') throw new Error(`bare call disagrees: ${JSON.stringify(bareAnswer)}`);

    // Warm up both paths before measuring.
    const bareCall = () => cedar.statefulIsAuthorized(bareRequest);
    await timeAlternating(Math.min(CALLS, 1000), bareCall, (i) => decisionPoint.decide(tenantId, decisionRequest(CALLS + i) as DecisionRequestDto));
    const alternated = await timeAlternating(CALLS, bareCall, (i) => decisionPoint.decide(tenantId, decisionRequest(2 * CALLS + i) as DecisionRequestDto));
    const bare = percentiles(alternated.bareMs);
    const inProcess = percentiles(alternated.decideMs);
    const cacheHit = percentiles(await timeAsync(CALLS, () => decisionPoint.decide(tenantId, decisionRequest(1) as DecisionRequestDto)));
    const repeated = await decisionPoint.decide(tenantId, decisionRequest(1) as DecisionRequestDto);
    if (!repeated.cached) throw new Error('a repeated identical request was not served from the decision cache');
    // The records of the last phase; its earlier records were published during the untimed waits.
    const drained = await drainDecisionRecords();

    const plan = { apiKey: security.key, rate: RATE, seconds: SECONDS, concurrency: CONCURRENCY, repeatPercent: REPEAT_PERCENT };
    const httpPlan: LoadPlan = { ...plan, kind: 'http', target: service.baseUrl, firstRequest: 0 };
    const grpcPlan: LoadPlan = { ...plan, kind: 'grpc', target: `127.0.0.1:${grpcPort}`, firstRequest: RATE * SECONDS };
    const floorServer = await startHttpFloor(JSON.stringify(first));
    const floor = await measuredLoad({ ...httpPlan, target: floorServer.url }).finally(() => floorServer.close());
    const http = await measuredLoad(httpPlan);
    const grpcFigures = await measuredLoad(grpcPlan);

    const ratio = round(inProcess.p99Ms / bare.p99Ms);
    const verdict = (met: boolean) => (met ? 'met' : 'missed');
    const targets = {
      inProcessVsBare: `${verdict(ratio <= IN_PROCESS_TARGET_RATIO)} (p99 ${ratio}x bare, target <= ${IN_PROCESS_TARGET_RATIO}x)`,
      httpAtRate: `${verdict(http.p99Ms <= WIRE_TARGET_P99_MS && http.errors === 0)} (p99 ${http.p99Ms} ms at ${http.perSecond}/s, target <= ${WIRE_TARGET_P99_MS} ms at ${RATE}/s)`,
      grpcAtRate: `${verdict(grpcFigures.p99Ms <= WIRE_TARGET_P99_MS && grpcFigures.errors === 0)} (p99 ${grpcFigures.p99Ms} ms at ${grpcFigures.perSecond}/s, target <= ${WIRE_TARGET_P99_MS} ms at ${RATE}/s)`,
    };
    console.log(`bare Cedar call      p50 ${bare.p50Ms} ms  p99 ${bare.p99Ms} ms`);
    console.log(`in process (miss)    p50 ${inProcess.p50Ms} ms  p99 ${inProcess.p99Ms} ms`);
    console.log(`in process (hit)     p50 ${cacheHit.p50Ms} ms  p99 ${cacheHit.p99Ms} ms`);
    console.log(`records drained      ${drained.records} in ${round(drained.seconds)} s after the in-process phases`);
    for (const [name, figures] of [['bare HTTP server', floor], ['HTTP', http], ['gRPC', grpcFigures]] as const) {
      console.log(
        `${name.padEnd(16)} paced  p50 ${figures.p50Ms} ms  p99 ${figures.p99Ms} ms  ${figures.perSecond}/s of ${RATE}/s  ` +
          `cache served ${figures.cacheHitPercent}%  service CPU ${figures.serviceCpuPercent}%  load client CPU ${figures.clientCpuPercent}%  errors ${figures.errors}`,
      );
    }
    const memory = process.memoryUsage();
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    console.log(
      `bench process peak resident memory (service in process, VmHWM) ${peakResidentMb()} MB; now: resident ${mb(memory.rss)} MB, ` +
        `JS heap ${mb(memory.heapUsed)} of ${mb(memory.heapTotal)} MB, external ${mb(memory.external)} MB`,
    );
    for (const [name, text] of Object.entries(targets)) console.log(`target ${name}: ${text}`);
    printBenchResult({
      calls: CALLS,
      bareP50Ms: bare.p50Ms, bareP99Ms: bare.p99Ms,
      inProcessP50Ms: inProcess.p50Ms, inProcessP99Ms: inProcess.p99Ms, inProcessToBareP99: ratio,
      cacheHitP50Ms: cacheHit.p50Ms, cacheHitP99Ms: cacheHit.p99Ms,
      httpFloorP50Ms: floor.p50Ms, httpFloorP99Ms: floor.p99Ms, httpFloorPerSecond: floor.perSecond,
      httpP50Ms: http.p50Ms, httpP99Ms: http.p99Ms, httpPerSecond: http.perSecond, httpErrors: http.errors,
      httpCacheHitPercent: http.cacheHitPercent, httpServiceCpuPercent: http.serviceCpuPercent, httpClientCpuPercent: http.clientCpuPercent,
      grpcP50Ms: grpcFigures.p50Ms, grpcP99Ms: grpcFigures.p99Ms, grpcPerSecond: grpcFigures.perSecond, grpcErrors: grpcFigures.errors,
      grpcCacheHitPercent: grpcFigures.cacheHitPercent, grpcServiceCpuPercent: grpcFigures.serviceCpuPercent, grpcClientCpuPercent: grpcFigures.clientCpuPercent,
      targetRate: RATE, loadSeconds: SECONDS, concurrency: CONCURRENCY, repeatPercent: REPEAT_PERCENT,
      recordsDrained: drained.records, recordsDrainSeconds: round(drained.seconds),
      benchProcessPeakMb: peakResidentMb(),
      targets,
    });
  } finally {
    await service.stop();
    await bus.deleteTopics([decisionsTopic]);
    await bus.close();
    const pool = new Pool({ connectionString: infra.databaseUrl });
    await dropSchema(pool, service.options.schema);
    await pool.end();
  }
}

const loadPlan = process.env.POLICY_BENCH_LOAD_PLAN;
if (loadPlan) {
  loadClient(JSON.parse(loadPlan) as LoadPlan).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
