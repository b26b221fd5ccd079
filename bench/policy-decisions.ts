/**
 * Policy decision latency: the decision point in process, over HTTP
 * (`POST /v1/decisions`) and over gRPC, beside the bare Cedar call
 * (`statefulIsAuthorized` on the same pre-parsed bundle, entity slice and
 * context) measured in the same run. Each uncached request carries unique
 * tool-call arguments, so it misses the decision cache and measures a full
 * evaluation; repeated identical requests measure the cache hit.
 *
 * The wire loads are paced (POLICY_BENCH_RATE per second for
 * POLICY_BENCH_SECONDS) from a child process, so the load client does not
 * share the service's event loop. Latency is counted from each request's
 * scheduled send time, so a saturated pool shows up as queueing. Targets
 * are reported as met or missed, never asserted. Ends with a BENCH_RESULT line.
 * Sizes: POLICY_BENCH_CALLS (default 5000), POLICY_BENCH_RATE (5000),
 * POLICY_BENCH_SECONDS (10), POLICY_BENCH_CONCURRENCY (64).
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:net';
import { Agent, request as httpRequest } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Pool } from 'pg';
import { KafkaBus } from '@estate/kafka';
import { cedar, EntityJson, runRuntimeChecks } from '@estate/policy-engine';
import { createLogger } from '@estate/telemetry';
import { dropSchema, issueTestKeys, startServiceForTest, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { appModule, migrations, POLICY_PROTO, policyProjections } from '../services/policy/src/app.module';
import { BundleRegistry } from '../services/policy/src/bundles/bundle-registry';
import { DecisionPoint } from '../services/policy/src/decisions/decision-point';
import { DecisionRequestDto } from '../services/policy/src/decisions/decision.dto';
import { EntityCache } from '../services/policy/src/entities/entity-cache';
import { printBenchResult, sizeFromEnv } from './suite/bench-result';
import { quantile, round } from './suite/stats';

const CALLS = sizeFromEnv('POLICY_BENCH_CALLS', 5_000);
const RATE = sizeFromEnv('POLICY_BENCH_RATE', 5_000);
const SECONDS = sizeFromEnv('POLICY_BENCH_SECONDS', 10);
const CONCURRENCY = sizeFromEnv('POLICY_BENCH_CONCURRENCY', 64);
const IN_PROCESS_TARGET_RATIO = 1.2;
const WIRE_TARGET_P99_MS = 2;

const ENTITIES = [
  { uid: { type: 'Agent', id: 'analyst' }, attrs: { policyClass: 'internal', toolScope: ['search_docs'], environment: 'prod' }, parents: [] },
  { uid: { type: 'Tool', id: 'search_docs' }, attrs: { sideEffects: false }, parents: [] },
];

/** Builds the request every phase sends; `n` makes its arguments, and so its cache key, unique. */
function decisionRequest(n: number | undefined) {
  return {
    principal: { type: 'Agent', id: 'analyst' },
    action: 'invoke_tool' as const,
    resource: { type: 'Tool', id: 'search_docs' },
    context: { environment: 'prod', ...(n === undefined ? {} : { arguments: { requestNumber: n } }) },
  };
}

interface LoadPlan {
  kind: 'http' | 'grpc';
  target: string;
  apiKey: string;
  rate: number;
  seconds: number;
  concurrency: number;
}

interface LoadReport {
  latenciesMs: number[];
  errors: number;
  firstError?: string;
  elapsedSeconds: number;
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

async function timeSync(calls: number, call: (i: number) => unknown): Promise<number[]> {
  const latencies = new Array<number>(calls);
  for (let i = 0; i < calls; i++) {
    const before = process.hrtime.bigint();
    call(i);
    latencies[i] = Number(process.hrtime.bigint() - before) / 1e6;
  }
  return latencies;
}

async function timeAsync(calls: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies = new Array<number>(calls);
  for (let i = 0; i < calls; i++) {
    const before = process.hrtime.bigint();
    await call(i);
    latencies[i] = Number(process.hrtime.bigint() - before) / 1e6;
  }
  return latencies;
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

/** Load client: sends `rate` requests per second for `seconds`, at most `concurrency` in flight. */
async function loadClient(plan: LoadPlan): Promise<void> {
  const send = plan.kind === 'http' ? httpSender(plan) : grpcSender(plan);
  const total = plan.rate * plan.seconds;
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const n = next++;
      const scheduledAt = started + (n * 1000) / plan.rate;
      const wait = scheduledAt - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        await send(n);
        latenciesMs.push(performance.now() - scheduledAt);
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  const report: LoadReport = { latenciesMs, errors, firstError, elapsedSeconds: (performance.now() - started) / 1000 };
  process.send!(report, () => process.exit(0));
}

function httpSender(plan: LoadPlan): (n: number) => Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const url = new URL('/v1/decisions', plan.target);
  return (n) =>
    new Promise((done, fail) => {
      const body = JSON.stringify(decisionRequest(n));
      const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${plan.apiKey}` } }, (res) => {
        res.resume();
        res.once('end', () => (res.statusCode === 200 ? done() : fail(new Error(`HTTP ${res.statusCode}`))));
      });
      req.once('error', fail);
      req.end(body);
    });
}

function grpcSender(plan: LoadPlan): (n: number) => Promise<void> {
  const definition = protoLoader.loadSync(POLICY_PROTO, { keepCase: true, longs: String });
  const Service = (grpc.loadPackageDefinition(definition) as any).estate.policy.v1.PolicyDecisionService as grpc.ServiceClientConstructor;
  const client = new Service(plan.target, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${plan.apiKey}`);
  return (n) =>
    new Promise((done, fail) => {
      const request = decisionRequest(n);
      const message = { ...request, context: { environment: 'prod', arguments_json: JSON.stringify(request.context.arguments) } };
      (client as any).Decide(message, metadata, (error: Error | null) => (error ? fail(error) : done()));
    });
}

function loadFigures(report: LoadReport, plan: LoadPlan) {
  return {
    ...percentiles(report.latenciesMs),
    perSecond: round(report.latenciesMs.length / report.elapsedSeconds),
    targetRate: plan.rate,
    errors: report.errors,
    firstError: report.firstError,
  };
}

async function main(): Promise<void> {
  const infra = testInfrastructure();
  const grpcPort = await freePort();
  const logger = createLogger('policy-bench', 'warn');
  const bus = new KafkaBus({ clientId: 'policy-bench', brokers: infra.kafkaBrokers }, logger);
  const service = await startServiceForTest(
    'policy',
    {
      migrations,
      projections: policyProjections(),
      grpc: { packages: ['estate.policy.v1'], protoPaths: [POLICY_PROTO] },
      config: { GRPC_PORT: grpcPort },
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

    // Warm up both paths before measuring, then interleave nothing else with them.
    await timeSync(Math.min(CALLS, 1000), () => cedar.statefulIsAuthorized(bareRequest));
    await timeAsync(Math.min(CALLS, 1000), (i) => decisionPoint.decide(tenantId, decisionRequest(CALLS + i) as DecisionRequestDto));
    const bare = percentiles(await timeSync(CALLS, () => cedar.statefulIsAuthorized(bareRequest)));
    const inProcess = percentiles(await timeAsync(CALLS, (i) => decisionPoint.decide(tenantId, decisionRequest(2 * CALLS + i) as DecisionRequestDto)));
    const cacheHit = percentiles(await timeAsync(CALLS, () => decisionPoint.decide(tenantId, decisionRequest(1) as DecisionRequestDto)));
    const repeated = await decisionPoint.decide(tenantId, decisionRequest(1) as DecisionRequestDto);
    if (!repeated.cached) throw new Error('a repeated identical request was not served from the decision cache');

    const plan = { apiKey: security.key, rate: RATE, seconds: SECONDS, concurrency: CONCURRENCY };
    const httpPlan: LoadPlan = { ...plan, kind: 'http', target: service.baseUrl };
    const grpcPlan: LoadPlan = { ...plan, kind: 'grpc', target: `127.0.0.1:${grpcPort}` };
    const http = loadFigures(await runLoad(httpPlan), httpPlan);
    const grpcFigures = loadFigures(await runLoad(grpcPlan), grpcPlan);

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
    console.log(`HTTP  paced          p50 ${http.p50Ms} ms  p99 ${http.p99Ms} ms  ${http.perSecond}/s  errors ${http.errors}`);
    console.log(`gRPC  paced          p50 ${grpcFigures.p50Ms} ms  p99 ${grpcFigures.p99Ms} ms  ${grpcFigures.perSecond}/s  errors ${grpcFigures.errors}`);
    for (const [name, text] of Object.entries(targets)) console.log(`target ${name}: ${text}`);
    printBenchResult({
      calls: CALLS,
      bareP50Ms: bare.p50Ms, bareP99Ms: bare.p99Ms,
      inProcessP50Ms: inProcess.p50Ms, inProcessP99Ms: inProcess.p99Ms, inProcessToBareP99: ratio,
      cacheHitP50Ms: cacheHit.p50Ms, cacheHitP99Ms: cacheHit.p99Ms,
      httpP50Ms: http.p50Ms, httpP99Ms: http.p99Ms, httpPerSecond: http.perSecond, httpErrors: http.errors,
      grpcP50Ms: grpcFigures.p50Ms, grpcP99Ms: grpcFigures.p99Ms, grpcPerSecond: grpcFigures.perSecond, grpcErrors: grpcFigures.errors,
      targetRate: RATE, loadSeconds: SECONDS, concurrency: CONCURRENCY,
      targets,
    });
  } finally {
    await service.stop();
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
