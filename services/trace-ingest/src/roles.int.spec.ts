import { setTimeout as sleep } from 'node:timers/promises';
import { Topics } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { freshTopic, issueTestKeys, RunningService, startServiceForTest, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { newSpanId, newTraceId, otlpJsonRequest } from '../test/otlp-json';
import { appModule, migrations, projectionsForRole } from './app.module';
import type { TraceIngestRole } from './config';
import { OtlpReceivers } from './otlp/otlp-receivers';
import { DEFAULT_LIMITS, TraceIngestSettings } from './settings';

jest.setTimeout(120_000);

const T0 = 1_760_000_000_000_000_000n;

describe('trace-ingest roles', () => {
  let bus: KafkaBus;
  let settings: TraceIngestSettings;
  const running: RunningService[] = [];

  const start = async (role: TraceIngestRole, schema?: string) => {
    const service = await startServiceForTest('trace-ingest', { migrations, schema, projections: projectionsForRole(role, settings) }, (options) => appModule(options, settings, role));
    running.push(service);
    return service;
  };

  beforeAll(async () => {
    bus = new KafkaBus({ clientId: `trace-roles-test-${uniqueSuffix()}`, brokers: testInfrastructure().kafkaBrokers }, createLogger('trace-roles-test', 'warn'));
    settings = {
      otlpHttpPort: 0,
      otlpGrpcPort: 0,
      limits: DEFAULT_LIMITS,
      redaction: [],
      topics: {
        spans: await freshTopic(bus, Topics.spans, 3),
        observations: await freshTopic(bus, Topics.runtimeObservations, 1),
        policyDecisions: await freshTopic(bus, Topics.policyDecisions, 1),
        approvalEvents: await freshTopic(bus, Topics.approvalEvents, 1),
      },
    };
  });

  afterAll(async () => {
    for (const service of running.reverse()) await service.stop();
    await bus.deleteTopics(Object.values(settings.topics));
    await bus.close();
  });

  it('projects only in the projector role', async () => {
    const receiver = await start('receiver');
    const tenantId = `t-${uniqueSuffix()}`;
    const keys = await issueTestKeys(bus, tenantId, ['ingest', 'security']);
    const get = async (service: RunningService, path: string) => {
      const response = await fetch(`${service.baseUrl}${path}`, { headers: { authorization: `Bearer ${keys.security.key}` } });
      return { status: response.status, body: (await response.json()) as any };
    };
    await waitFor('keys accepted by the receiver', () => get(receiver, '/v1/traces?limit=1'), (r) => r.status === 200);

    const traceId = newTraceId();
    const root = newSpanId();
    const body = otlpJsonRequest([
      { traceId, spanId: root, name: 'POST /answer', startNs: T0, endNs: T0 + 5_000_000n },
      { traceId, spanId: newSpanId(), parentSpanId: root, name: 'chat gpt-4o-mini', startNs: T0 + 1_000_000n, endNs: T0 + 4_000_000n },
    ]);
    const url = `http://127.0.0.1:${receiver.app.get(OtlpReceivers).httpPort}/v1/traces`;
    const accepted = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.ingest.key}` }, body: JSON.stringify(body) });
    expect(accepted.status).toBe(200);

    // A receiver that projected would show the trace well within this wait.
    await sleep(2_000);
    expect((await get(receiver, `/v1/traces/${traceId}`)).status).toBe(404);

    const projector = await start('projector', receiver.options.schema);
    expect(appModule(projector.options, settings, 'projector').providers).not.toContain(OtlpReceivers);
    const found = await waitFor('trace projected by the projector role', () => get(projector, `/v1/traces/${traceId}`), (r) => r.status === 200 && r.body.trace.spanCount === 2);
    expect(found.body.trace.rootName).toBe('POST /answer');
    expect((await get(receiver, `/v1/traces/${traceId}`)).body.trace.spanCount).toBe(2);
  });
});
