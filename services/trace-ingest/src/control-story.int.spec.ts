import { ApprovalGrantedV1, ApprovalRequestedV1, AssetObserved, AssetObservedV1, createEnvelope, decodeEvent, encodeEvent, EventEnvelope, PolicyDecisionRecordedV1 } from '@estate/contracts';
import { uniqueSuffix, waitFor } from '@estate/testing';
import { startTraceIngest, TraceIngestUnderTest } from '../test/harness';
import { newSpanId, newTraceId, otlpJsonRequest } from '../test/otlp-json';

jest.setTimeout(120_000);

const T0 = 1_760_000_000_000_000_000n;
const entity = (type: string, id: string) => ({ type, id });
const scope = (bundleVersion: string) => ({ principal: entity('Agent', 'refunder'), action: 'call_tool', resource: entity('Tool', 'issue_refund'), toolDefinitionHash: 'a'.repeat(64), argumentsHash: 'b'.repeat(64), bundleVersion });

describe('control story and runtime observations', () => {
  let ingest: TraceIngestUnderTest;

  beforeAll(async () => {
    ingest = await startTraceIngest();
  });

  afterAll(async () => {
    await ingest.stop();
  });

  it('places policy decisions and approvals on the steps they governed, in either arrival order', async () => {
    const traceId = newTraceId();
    const [root, tool, effect] = [newSpanId(), newSpanId(), newSpanId()];
    const decisionId = `dec-${uniqueSuffix()}`;
    const approvalId = `apr-${uniqueSuffix()}`;
    // Per-run topic copies, so the control projection never replays decisions other runs left behind.
    const topicOf = (type: string) => (type === PolicyDecisionRecordedV1.type ? ingest.settings.topics.policyDecisions : ingest.settings.topics.approvalEvents);
    const publisher = { publish: (envelopes: EventEnvelope[]) => ingest.bus.send(envelopes.map((e) => ({ ...encodeEvent(e), topic: topicOf(e.type) }))) };
    const tenantId = ingest.tenantId;
    const base = { tenantId, producer: 'test', correlationId: traceId };

    // The decision and approval arrive before the spans they refer to.
    await publisher.publish([
      createEnvelope({ ...base, type: PolicyDecisionRecordedV1.type, schemaVersion: 1, key: traceId, payload: {
        decisionId, traceId, spanId: tool, principal: entity('Agent', 'refunder'), action: 'call_tool', resource: entity('Tool', 'issue_refund'), context: {},
        outcome: 'require_approval', bundleVersion: 'v7', determiningPolicies: ['refunds-over-100'], reasons: ['refund above 100 EUR needs a human'], obligations: [], exceptionWindowIds: [], decidedAt: '2025-10-09T08:53:20.000Z',
      } }),
      createEnvelope({ ...base, type: ApprovalRequestedV1.type, schemaVersion: 1, key: approvalId, payload: {
        approvalId, version: 1, traceId, decisionId, scope: scope('v7'), path: { roles: ['finops'], required: 1 }, contextSnapshot: {}, reasons: ['refund above 100 EUR'], requestedBy: 'refunder', expiresAt: '2025-10-09T09:53:20.000Z',
      } }),
    ] as never);
    await fetch(ingest.otlpHttpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest.keys.ingest.key}` },
      body: JSON.stringify(otlpJsonRequest([
        { traceId, spanId: root, name: 'POST /refund', kind: 2, startNs: T0, endNs: T0 + 9_000n },
        { traceId, spanId: tool, parentSpanId: root, name: 'execute_tool issue_refund', startNs: T0 + 1_000n, endNs: T0 + 5_000n, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'issue_refund', 'gen_ai.agent.name': 'refunder' } },
        { traceId, spanId: effect, parentSpanId: tool, name: 'POST /payments/refunds', startNs: T0 + 6_000n, endNs: T0 + 8_000n, attributes: { 'estate.step': 'side_effect' } },
      ])),
    });
    await publisher.publish([
      createEnvelope({ ...base, type: ApprovalGrantedV1.type, schemaVersion: 1, key: approvalId, payload: {
        approvalId, version: 2, traceId, decisionId, scope: scope('v7'), approvers: ['finops:k1'], grantExpiresAt: '2025-10-09T10:53:20.000Z',
      } }),
    ] as never);

    const story = await waitFor(
      'control story with the granted approval',
      () => ingest.get(`/v1/traces/${traceId}/story`),
      (r) => r.status === 200 && r.body.steps.length === 3 && r.body.steps[1].approvals[0]?.state === 'granted',
    );
    const steps = story.body.steps;
    expect(steps.map((s: any) => s.step)).toEqual(['request', 'tool_call', 'side_effect']);
    expect(steps[1].policyDecisions).toEqual([expect.objectContaining({ decisionId, outcome: 'require_approval', bundleVersion: 'v7', reasons: ['refund above 100 EUR needs a human'] })]);
    expect(steps[1].approvals).toEqual([expect.objectContaining({ approvalId, state: 'granted', version: 2 })]);
    expect(steps[0].policyDecisions).toEqual([]);
    expect(story.body.unplacedPolicyDecisions).toEqual([]);
  });

  it('publishes one observation per asset seen in a request', async () => {
    const traceId = newTraceId();
    const root = newSpanId();
    const chats = [newSpanId(), newSpanId()];
    await fetch(ingest.otlpHttpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest.keys.ingest.key}` },
      body: JSON.stringify(otlpJsonRequest(
        [
          { traceId, spanId: root, name: 'invoke_agent shadow', startNs: T0, endNs: T0 + 10_000n, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'shadow-agent' } },
          ...chats.map((spanId, i) => ({ traceId, spanId, parentSpanId: root, name: 'chat', startNs: T0 + BigInt(i * 1000), endNs: T0 + BigInt(i * 1000 + 500), attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'mistral_ai', 'gen_ai.request.model': 'mistral-large' } })),
          { traceId, spanId: newSpanId(), parentSpanId: root, name: 'tool', startNs: T0 + 3_000n, endNs: T0 + 4_000n, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'mcp__files__read_file' } },
        ],
        { 'service.name': 'shadow-service', 'deployment.environment.name': 'prod' },
      )),
    });

    const seen: AssetObserved[] = [];
    const consumer = await ingest.bus.consume({
      groupId: `observations-${uniqueSuffix()}`,
      topics: [ingest.settings.topics.observations],
      eachBatch: async (batch, control) => {
        for (const record of batch.records) {
          const event = decodeEvent(record.value, record.topic);
          if (event.type === AssetObservedV1.type && event.tenantId === ingest.tenantId) seen.push(event.payload as AssetObserved);
          control.resolveOffset(record.offset);
        }
      },
    });
    try {
      await waitFor('observations of the shadow agent', async () => seen.filter((o) => o.exampleTraceId === traceId).length, (n) => n >= 6);
    } finally {
      await consumer.stop();
    }
    const mine = seen.filter((o) => o.exampleTraceId === traceId);
    const byKind = (kind: string) => mine.filter((o) => o.kind === kind);
    expect(byKind('model')).toEqual([expect.objectContaining({ name: 'mistral-large', provider: 'mistral_ai', environment: 'prod', service: 'shadow-service', viaAgent: 'shadow-agent', firstSeenAt: '2025-10-09T08:53:20.000Z' })]);
    expect(byKind('agent').map((o) => o.name)).toEqual(['shadow-agent']);
    expect(byKind('tool')).toEqual([expect.objectContaining({ name: 'read_file', viaAgent: 'shadow-agent' })]);
    expect(byKind('mcp_server').map((o) => o.name)).toEqual(['files']);
    expect(byKind('provider').map((o) => o.name)).toEqual(['mistral_ai']);
    expect(byKind('service').map((o) => o.name)).toEqual(['shadow-service']);
  });
});
