import { createEnvelope, encodeEvent, EventEnvelope, Role, TOPIC_SPECS, Topics } from '@estate/contracts';
import { EventPublisher, KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { lockNextOffset, Projection, storeNextOffset } from '@estate/projection';
import { CommonConfig, runMigrations, ServiceOptions, startService } from '@estate/service-kit';
import { freshSchemaName, freshTopic, issueTestKeys, RunningService, TestKey, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { Pool } from 'pg';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createServer } from 'node:net';
import { appModule, migrations, REPORTING_PROTO, reportingGrpc } from '../src/app.module';
import { DEFAULT_TOPICS, reportingProjections, ReportingTopics } from '../src/projections';

export interface ReportingUnderTest {
  service: RunningService;
  bus: KafkaBus;
  topics: ReportingTopics;
  tenantId: string;
  keys: Record<string, TestKey>;
  publish(envelopes: EventEnvelope[]): Promise<void>;
  /** Publishes the canonical spans of each trace (one event per trace) to the per-run span topic in one send. */
  publishTraces(traces: Array<{ traceId: string; spans: object[] }>): Promise<void>;
  /** Publishes envelopes to a per-run copy of their topic. */
  publishTo(topic: string, envelopes: EventEnvelope[]): Promise<void>;
  call(path: string, init?: { method?: string; body?: unknown; role?: Role }): Promise<{ status: number; body: any; text: string; contentType: string }>;
  /** Calls a ReportingService method over gRPC; settles to the value or the status, never throws. */
  rpc(method: string, request: object, apiKey?: string): Promise<GrpcOutcome>;
  stop(): Promise<void>;
}

/**
 * Starts reporting in this process with a fresh schema, per-run span and
 * observation topics (the only contracts that accept per-run copies) and a
 * fresh tenant, and waits until the tenant's keys are accepted. The other
 * streams use the shared topics, read from their current end: the fresh
 * tenant's events all come later, and replaying every other test's history
 * (tens of thousands of policy decisions) would only slow the test down.
 */
export async function startReporting(): Promise<ReportingUnderTest> {
  const infra = testInfrastructure();
  const bus = new KafkaBus({ clientId: `reporting-test-${uniqueSuffix()}`, brokers: infra.kafkaBrokers }, createLogger('reporting-test', 'warn'));
  await bus.ensureTopics(TOPIC_SPECS.map(({ name, partitions, retentionMs }) => ({ name, partitions, retentionMs })));
  const topics: ReportingTopics = {
    ...DEFAULT_TOPICS,
    spans: await freshTopic(bus, Topics.spans, 2),
    runtimeObservations: await freshTopic(bus, Topics.runtimeObservations, 1),
  };
  const grpcPort = await freePort();
  const service = await startAtSharedTopicEnds(bus, reportingProjections(topics), [topics.spans, topics.runtimeObservations], grpcPort);
  const client = reportingClient(grpcPort);
  const tenantId = `t-${uniqueSuffix()}`;
  const keys = await issueTestKeys(bus, tenantId, ['governance', 'finops', 'security']);
  const publisher = new EventPublisher(bus);

  const call: ReportingUnderTest['call'] = async (path, init = {}) => {
    const response = await fetch(`${service.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[init.role ?? 'governance'].key}` },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return { status: response.status, text, contentType, body: contentType.includes('json') && text ? JSON.parse(text) : undefined };
  };
  await waitFor('test keys accepted', () => call('/v1/reports/scorecard'), (r) => r.status !== 401);

  return {
    service, bus, topics, tenantId, keys, call,
    rpc: client.call,
    publish: (envelopes) => publisher.publish(envelopes),
    publishTo: (topic, envelopes) => bus.send(envelopes.map((e) => ({ ...encodeEvent(e), topic }))),
    publishTraces: (traces) => {
      const envelopes = traces.map(({ traceId, spans }) =>
        createEnvelope({ type: 'trace.spans.recorded', schemaVersion: 1, tenantId, producer: 'reporting-test', key: traceId, payload: { traceId, source: 'file-import', spans } }),
      );
      return bus.send(envelopes.map((e) => ({ ...encodeEvent(e), topic: topics.spans })));
    },
    stop: async () => {
      client.close();
      await service.stop();
      await bus.close();
    },
  };
}

/**
 * Starts the service like `startServiceForTest` (fresh schema, own consumer
 * groups, free port), after storing each projection's offsets on the shared
 * topics at their current end. Per-run topics are read from the start.
 */
async function startAtSharedTopicEnds(bus: KafkaBus, projections: Projection[], perRunTopics: string[], grpcPort: number): Promise<RunningService> {
  const infra = testInfrastructure();
  const schema = freshSchemaName('reporting');
  await runMigrations(infra.databaseUrl, schema, migrations);
  const pool = new Pool({ connectionString: infra.databaseUrl, max: 1 });
  const client = await pool.connect();
  try {
    for (const projection of projections) {
      for (const topic of projection.topics.filter((t) => !perRunTopics.includes(t))) {
        for (const { partition, high } of await bus.topicOffsets(topic)) {
          // The offset row must exist before it can be moved; lockNextOffset creates it at 0.
          await lockNextOffset(client, schema, projection.name, topic, partition);
          await storeNextOffset(client, schema, projection.name, topic, partition, BigInt(high));
        }
      }
    }
  } finally {
    client.release();
    await pool.end();
  }
  const config: CommonConfig = {
    HTTP_PORT: 0, GRPC_PORT: grpcPort, KAFKA_BROKERS: infra.kafkaBrokers, DATABASE_URL: infra.databaseUrl, LOG_LEVEL: 'warn', DB_POOL_SIZE: 5, SHUTDOWN_TIMEOUT_MS: 10000,
  };
  const options: ServiceOptions = {
    name: 'reporting', schema, config, migrations, projections, grpc: reportingGrpc, logger: createLogger('reporting', 'warn'), consumerGroupPrefix: `test.${schema}`,
  };
  const app = await startService(options, appModule(options));
  const address = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${address.port}`, options, stop: () => app.close() };
}

export type GrpcOutcome = { ok: true; value: any } | { ok: false; code: grpc.status; message: string };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function reportingClient(port: number) {
  const definition = loadSync(REPORTING_PROTO, { keepCase: true, longs: String, defaults: true });
  const pkg = grpc.loadPackageDefinition(definition) as any;
  const client: grpc.Client = new pkg.estate.reporting.v1.ReportingService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = (method: string, request: object, apiKey?: string): Promise<GrpcOutcome> => {
    const metadata = new grpc.Metadata();
    if (apiKey) metadata.set('authorization', `Bearer ${apiKey}`);
    return new Promise((resolve) => {
      (client as any)[method](request, metadata, (error: grpc.ServiceError | null, value: unknown) =>
        resolve(error ? { ok: false, code: error.code, message: error.details } : { ok: true, value }),
      );
    });
  };
  return { call, close: () => client.close() };
}
