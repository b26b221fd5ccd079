import { createEnvelope, encodeEvent, EventEnvelope, Role, TOPIC_SPECS, Topics } from '@estate/contracts';
import { EventPublisher, KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { freshTopic, issueTestKeys, RunningService, startServiceForTest, TestKey, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { appModule, migrations } from '../src/app.module';
import { DEFAULT_TOPICS, reportingProjections, ReportingTopics } from '../src/projections';

export interface ReportingUnderTest {
  service: RunningService;
  bus: KafkaBus;
  topics: ReportingTopics;
  tenantId: string;
  keys: Record<string, TestKey>;
  publish(envelopes: EventEnvelope[]): Promise<void>;
  /** Publishes canonical spans of one trace to the per-run span topic. */
  publishSpans(traceId: string, spans: object[]): Promise<void>;
  /** Publishes envelopes to a per-run copy of their topic. */
  publishTo(topic: string, envelopes: EventEnvelope[]): Promise<void>;
  call(path: string, init?: { method?: string; body?: unknown; role?: Role }): Promise<{ status: number; body: any; text: string; contentType: string }>;
  stop(): Promise<void>;
}

/**
 * Starts reporting in this process with a fresh schema, per-run span and
 * observation topics (the only contracts that accept per-run copies) and a
 * fresh tenant, and waits until the tenant's keys are accepted. The other
 * streams use the shared topics; the fresh tenant keeps the test's facts apart.
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
  const service = await startServiceForTest('reporting', { migrations, projections: reportingProjections(topics) }, appModule);
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
    publish: (envelopes) => publisher.publish(envelopes),
    publishTo: (topic, envelopes) => bus.send(envelopes.map((e) => ({ ...encodeEvent(e), topic }))),
    publishSpans: (traceId, spans) => {
      const envelope = createEnvelope({ type: 'trace.spans.recorded', schemaVersion: 1, tenantId, producer: 'reporting-test', key: traceId, payload: { traceId, source: 'file-import', spans } });
      return bus.send([{ ...encodeEvent(envelope), topic: topics.spans }]);
    },
    stop: async () => {
      await service.stop();
      await bus.close();
    },
  };
}
