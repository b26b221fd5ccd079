import { Topics } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { freshTopic, issueTestKeys, RunningService, startServiceForTest, TestKey, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { appModule, migrations, traceProjections } from '../src/app.module';
import { OtlpReceivers } from '../src/otlp/otlp-receivers';
import { DEFAULT_LIMITS, IngestLimits, TraceIngestSettings } from '../src/settings';
import type { RedactionRule } from '../src/ingest/redaction';

export interface TraceIngestUnderTest {
  service: RunningService;
  bus: KafkaBus;
  settings: TraceIngestSettings;
  otlpHttpUrl: string;
  otlpGrpcAddress: string;
  keys: Record<string, TestKey>;
  tenantId: string;
  /** GET on the REST API with the reader key; returns status and parsed body. */
  get(path: string, key?: string): Promise<{ status: number; body: any }>;
  /** Waits until the trace holds `spans` spans, and returns it. */
  waitForTrace(traceId: string, spans: number, key?: string): Promise<any>;
  stop(): Promise<void>;
}

/**
 * Starts trace-ingest in this process on free ports, with per-run span and
 * observation topics, a fresh schema and a fresh tenant holding an ingest, a
 * security and an admin key, and waits until the keys are accepted.
 */
export async function startTraceIngest(options: { limits?: Partial<IngestLimits>; redaction?: RedactionRule[] } = {}): Promise<TraceIngestUnderTest> {
  const infra = testInfrastructure();
  const bus = new KafkaBus({ clientId: `trace-ingest-test-${uniqueSuffix()}`, brokers: infra.kafkaBrokers }, createLogger('trace-ingest-test', 'warn'));
  const settings: TraceIngestSettings = {
    otlpHttpPort: 0,
    otlpGrpcPort: 0,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    redaction: options.redaction ?? [],
    topics: {
      spans: await freshTopic(bus, Topics.spans, 3),
      observations: await freshTopic(bus, Topics.runtimeObservations, 1),
      policyDecisions: await freshTopic(bus, Topics.policyDecisions, 3),
      approvalEvents: await freshTopic(bus, Topics.approvalEvents, 1),
    },
  };
  const service = await startServiceForTest(
    'trace-ingest',
    { migrations, projections: traceProjections(settings), bodyLimit: settings.limits.maxBodyBytes },
    (serviceOptions) => appModule(serviceOptions, settings),
  );
  const receivers = service.app.get(OtlpReceivers);
  const tenantId = `t-${uniqueSuffix()}`;
  const keys = await issueTestKeys(bus, tenantId, ['ingest', 'security', 'admin']);

  const get = async (path: string, key = keys.security.key) => {
    const response = await fetch(`${service.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  await waitFor('test keys accepted', () => get('/v1/traces?limit=1'), (r) => r.status === 200);

  return {
    service,
    bus,
    settings,
    otlpHttpUrl: `http://127.0.0.1:${receivers.httpPort}/v1/traces`,
    otlpGrpcAddress: `http://127.0.0.1:${receivers.grpcPort}`,
    keys,
    tenantId,
    get,
    waitForTrace: async (traceId, spans, key) => {
      const found = await waitFor(`trace ${traceId} with ${spans} spans`, () => get(`/v1/traces/${traceId}`, key), (r) => r.status === 200 && r.body.trace.spanCount >= spans);
      return found.body;
    },
    stop: async () => {
      await service.stop();
      await bus.close();
    },
  };
}

/** Depth-first list of a tree's nodes, for assertions that ignore nesting. */
export function allNodes(tree: any[]): any[] {
  return tree.flatMap((node) => [node, ...allNodes(node.children)]);
}
