import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allNodes, startTraceIngest, TraceIngestUnderTest } from '../test/harness';
import { newSpanId, newTraceId, otlpJsonRequest, TestSpan } from '../test/otlp-json';

jest.setTimeout(120_000);

const fixture = (name: string) => readFileSync(join(__dirname, '../test/fixtures', name), 'utf8');
const T0 = 1_760_000_000_000_000_000n;

describe('trace record', () => {
  let ingest: TraceIngestUnderTest;

  beforeAll(async () => {
    ingest = await startTraceIngest();
  });

  afterAll(async () => {
    await ingest.stop();
  });

  const post = async (body: unknown, key = ingest.keys.ingest.key) => {
    const response = await fetch(ingest.otlpHttpUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };
  const importFile = async (text: string, contentType = 'application/json') => {
    const response = await fetch(`${ingest.service.baseUrl}/v1/traces/import`, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${ingest.keys.ingest.key}` }, body: text });
    return { status: response.status, body: await response.json() };
  };

  it('lands the sample exports as the expected trees and token counts', async () => {
    const expectations: Array<[string, string, number, Record<string, number>, number]> = [
      ['langfuse-openai-agents-2025-09-30.trace.json', 'e5a76f27f51ad40e', 5, { input: 140, output: 44 }, 0],
      ['langfuse-microsoft-agent-2025-12-17.trace.json', '4cd6caa32861956a', 0, { input: 293, output: 106 }, 0],
      ['langfuse-csharp-agent-with-gemini-2026-03-09.trace.json', '5b9ba1e61e2e10fc', 8, { input: 8047, output: 414 }, 1],
      ['langfuse-google-adk-2025-08-28.trace.json', '86cd4912944ddc41', 5, { input: 67, output: 9 }, 0],
      ['langfuse-claude-agent-2025-12-22.trace.json', '805dc5dff9e33e32', 7, { input: 34, output: 232 }, 0],
    ];
    for (const [file, rootSpanId, spanCount, tokens, orphans] of expectations) {
      const text = fixture(file);
      const imported = await importFile(text);
      expect(imported.status).toBe(200);
      expect(imported.body).toMatchObject({ format: 'langfuse-trace', rejectedSpans: 0 });
      const observations = (JSON.parse(text).observations as unknown[]).length;
      const body = await ingest.waitForTrace(JSON.parse(text).trace.id, observations);
      if (spanCount > 0) expect(body.trace.spanCount).toBe(spanCount);
      expect(body.trace.tokens).toMatchObject(tokens);
      expect(body.trace.orphanCount).toBe(orphans);
      expect(body.trace.rootSpanId).toBe(rootSpanId);
      expect(body.spans).toHaveLength(1);
      expect(allNodes(body.spans)).toHaveLength(observations);
    }
  });

  it('imports OTLP/JSON lines and keeps a span with a missing parent visible', async () => {
    const line = JSON.stringify(JSON.parse(fixture('otlp-example-trace.json')));
    const traceId = newTraceId();
    const first = line.replace('5B8EFFF798038103D269B633813FC60C', traceId);
    const second = first.replace('EEE19B7EC3C1B174', 'EEE19B7EC3C1B175').replace('"parentSpanId":"EEE19B7EC3C1B173"', '"parentSpanId":"EEE19B7EC3C1B174"');
    const imported = await importFile(`${first}\n${second}\n`, 'application/x-ndjson');
    expect(imported.body).toMatchObject({ format: 'otlp-json-lines', acceptedSpans: 2, rejectedSpans: 0 });
    const body = await ingest.waitForTrace(traceId, 2);
    expect(body.trace.orphanCount).toBe(1);
    expect(body.spans).toHaveLength(1);
    expect(body.spans[0]).toMatchObject({ spanId: 'eee19b7ec3c1b174', orphan: true });
    expect(body.spans[0].children[0]).toMatchObject({ spanId: 'eee19b7ec3c1b175', orphan: false });
  });

  it('gives the same record whatever the order, duplication or clock skew of deliveries', async () => {
    const traceId = newTraceId();
    const [root, agent, chat] = [newSpanId(), newSpanId(), newSpanId()];
    const spans: TestSpan[] = [
      { traceId, spanId: root, name: 'POST /run', kind: 2, startNs: T0, endNs: T0 + 5_000_000_000n },
      { traceId, spanId: agent, parentSpanId: root, name: 'invoke_agent planner', startNs: T0 + 1_000n, endNs: T0 + 4_000_000_000n, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' } },
      // The child starts 2 s before its parent: another host's clock is behind.
      { traceId, spanId: chat, parentSpanId: agent, name: 'chat', startNs: T0 - 2_000_000_000n, endNs: T0 + 3_000_000_000n, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 70, 'gen_ai.usage.output_tokens': 30 }, status: 2 },
    ];
    // Child first, the same child twice, then the parents in a later request.
    expect((await post(otlpJsonRequest([spans[2], spans[2]]))).status).toBe(200);
    const partial = await ingest.waitForTrace(traceId, 1);
    expect(partial.trace.orphanCount).toBe(1);
    expect(partial.spans[0].orphan).toBe(true);
    expect((await post(otlpJsonRequest([spans[1], spans[0], spans[2]]))).status).toBe(200);

    const body = await ingest.waitForTrace(traceId, 3);
    expect(body.trace).toMatchObject({ spanCount: 3, orphanCount: 0, errorCount: 1, status: 'error', rootSpanId: root, tokens: { input: 70, output: 30, total: 100 } });
    expect(body.trace.startTimeUnixNano).toBe((T0 - 2_000_000_000n).toString());
    expect(body.spans).toHaveLength(1);
    expect(body.spans[0].children[0].spanId).toBe(agent);
    expect(body.spans[0].children[0].children[0]).toMatchObject({ spanId: chat, orphan: false });
    expect(body.spans[0].children[0].children[0].context.agent).toBe('planner');
  });

  it('searches by model, tool, agent, status, attribute and time', async () => {
    const traceId = newTraceId();
    const root = newSpanId();
    const workflow = `refunds-${traceId.slice(0, 6)}`;
    await post(otlpJsonRequest(
      [
        { traceId, spanId: root, name: 'POST /refund', kind: 2, startNs: T0, endNs: T0 + 1_000_000n, attributes: { 'estate.workflow': workflow, 'order.id': `o-${traceId}` } },
        { traceId, spanId: newSpanId(), parentSpanId: root, name: 'execute_tool refund', startNs: T0 + 10n, endNs: T0 + 100n, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'issue_refund', 'gen_ai.agent.name': 'refunder' } },
      ],
      { 'service.name': 'billing', 'deployment.environment.name': 'prod' },
    ));
    await ingest.waitForTrace(traceId, 2);
    const search = async (query: string) => (await ingest.get(`/v1/traces?${query}`)).body.traces.map((t: any) => t.traceId);
    expect(await search(`workflow=${workflow}&tool=issue_refund&agent=refunder&service=billing&environment=prod&status=unset`)).toEqual([traceId]);
    expect(await search(`attribute=order.id%3Do-${traceId}`)).toEqual([traceId]);
    expect(await search(`attribute=order.id%3Do-${traceId}&attribute=estate.workflow%3D${workflow}`)).toEqual([traceId]);
    const repeated = await ingest.get(`/v1/traces?workflow=${workflow}&workflow=other`);
    expect([repeated.status, repeated.body.field]).toEqual([400, 'workflow']);
    expect(await search(`workflow=${workflow}&tool=other_tool`)).toEqual([]);
    expect(await search(`workflow=${workflow}&from=2025-10-09T00:00:00Z&to=2025-10-10T00:00:00Z`)).toEqual([traceId]);
    expect(await search(`workflow=${workflow}&from=2025-10-10T00:00:00Z`)).toEqual([]);
    const invalid = await ingest.get('/v1/traces?status=broken');
    expect(invalid.status).toBe(400);
    expect(invalid.body.details[0].field).toBe('status');
    const reversed = await ingest.get('/v1/traces?from=2026-03-01T00:00:00Z&to=2026-01-01T00:00:00Z');
    expect([reversed.status, reversed.body.field, reversed.body.message]).toEqual([400, 'to', expect.stringContaining('must be after from')]);
    const noZone = await ingest.get('/v1/traces?from=2026-03-01T00:00:00');
    expect([noZone.status, noZone.body.details[0].message]).toEqual([400, expect.stringContaining('with a UTC offset')]);
    expect((await ingest.get('/v1/traces?from=2026-03-01')).status).toBe(200);
    const nul = await ingest.get(`/v1/traces?workflow=${workflow}%00x`);
    expect([nul.status, nul.body.field]).toEqual([400, 'url']);
  });

  it('stores a request larger than one Kafka record batch', async () => {
    const traceId = newTraceId();
    const prompt = 'Zusammenfassung des Vorgangs, bitte. '.repeat(300);
    const spans = Array.from({ length: 300 }, (_, i) => ({ traceId, spanId: newSpanId(), name: `chat ${i}`, startNs: T0 + BigInt(i), endNs: T0 + BigInt(i) + 1n, attributes: { 'gen_ai.input.messages': prompt } }));
    const response = await post(otlpJsonRequest(spans));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
    const body = await ingest.waitForTrace(traceId, 300);
    expect(body.trace.spanCount).toBe(300);
  });

  it('keeps each tenant to its own traces', async () => {
    const traceId = newTraceId();
    await post(otlpJsonRequest([{ traceId, spanId: newSpanId(), name: 'private', startNs: T0, endNs: T0 + 1n }]));
    await ingest.waitForTrace(traceId, 1);
    expect((await ingest.get(`/v1/traces/${traceId.toUpperCase()}`)).status).toBe(200);
    const other = await startOtherTenantKey(ingest);
    expect((await ingest.get(`/v1/traces/${traceId}`, other)).status).toBe(404);
  });
});

async function startOtherTenantKey(ingest: TraceIngestUnderTest): Promise<string> {
  const { issueTestKeys, uniqueSuffix, waitFor } = await import('@estate/testing');
  const keys = await issueTestKeys(ingest.bus, `t-${uniqueSuffix()}`, ['security']);
  await waitFor('other tenant key accepted', () => ingest.get('/v1/traces?limit=1', keys.security.key), (r) => r.status === 200);
  return keys.security.key;
}
