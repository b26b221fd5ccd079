import { gzipSync } from 'node:zlib';
import { allNodes, startTraceIngest, TraceIngestUnderTest } from '../test/harness';
import { newSpanId, newTraceId, otlpJsonRequest } from '../test/otlp-json';
import { ExportTraceServiceRequest, ExportTraceServiceResponse, RpcStatus } from './otlp/otlp-schema';

jest.setTimeout(120_000);

const T0 = 1_760_000_000_000_000_000n;

describe('OTLP limits and errors', () => {
  let ingest: TraceIngestUnderTest;

  beforeAll(async () => {
    ingest = await startTraceIngest({
      limits: { maxBodyBytes: 64 * 1024, maxSpansPerRequest: 5, maxAttributesPerSpan: 10, maxAttributeValueLength: 100 },
      redaction: [{ environment: 'prod' }],
    });
  });

  afterAll(async () => {
    await ingest.stop();
  });

  const send = async (body: Buffer | string, headers: Record<string, string>) => {
    const response = await fetch(ingest.otlpHttpUrl, { method: 'POST', headers: { authorization: `Bearer ${ingest.keys.ingest.key}`, ...headers }, body });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };
  const sendJson = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await send(JSON.stringify(body), { 'content-type': 'application/json', ...headers });
    return { status: response.status, body: JSON.parse(response.bytes.toString('utf8') || '{}') };
  };
  const protobufRequest = (traceId: Buffer) =>
    Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject({
      resourceSpans: [{ scopeSpans: [{ spans: [
        { traceId, spanId: Buffer.from(newSpanId(), 'hex'), name: 'ok', startTimeUnixNano: T0.toString(), endTimeUnixNano: (T0 + 1n).toString() },
        { traceId: Buffer.alloc(16), spanId: Buffer.from(newSpanId(), 'hex'), name: 'zero trace id', startTimeUnixNano: T0.toString(), endTimeUnixNano: T0.toString() },
      ] }] }],
    })).finish());

  it('answers a protobuf request with partial success counting rejected spans', async () => {
    const traceId = Buffer.from(newTraceId(), 'hex');
    const response = await send(gzipSync(protobufRequest(traceId)), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    const decoded = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(response.bytes), { longs: String }) as any;
    expect(decoded.partialSuccess.rejectedSpans).toBe('1');
    expect(decoded.partialSuccess.errorMessage).toMatch(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]: traceId/);
    await ingest.waitForTrace(traceId.toString('hex'), 1);
  });

  it('rejects malformed JSON with the path of the problem', async () => {
    const bad = otlpJsonRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'x', startNs: T0, endNs: T0 }]) as any;
    bad.resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano = 'yesterday';
    const response = await sendJson(bad);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'invalid_argument', field: 'resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano', retryable: false });
    expect(response.body.message).toContain('nanoseconds');
  });

  it('rejects undecodable protobuf with a google.rpc.Status body', async () => {
    const response = await send(Buffer.from([0x0a, 0xff, 0xff, 0xff]), { 'content-type': 'application/x-protobuf' });
    expect(response.status).toBe(400);
    const status = RpcStatus.decode(response.bytes) as unknown as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message).toContain('the body ends early');
  });

  it('rejects a body over the size limit with 413', async () => {
    const big = otlpJsonRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'x'.repeat(70 * 1024), startNs: T0, endNs: T0 }]);
    const response = await sendJson(big);
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('payload_too_large');
  });

  it('rejects a gzip body that inflates past the size limit with 413', async () => {
    const inflated = gzipSync(Buffer.from(JSON.stringify(otlpJsonRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'y'.repeat(200 * 1024), startNs: T0, endNs: T0 }]))));
    const response = await send(inflated, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.status).toBe(413);
  });

  it('rejects more spans than the per-request limit, storing none', async () => {
    const traceId = newTraceId();
    const spans = Array.from({ length: 6 }, () => ({ traceId, spanId: newSpanId(), name: 's', startNs: T0, endNs: T0 }));
    const response = await sendJson(otlpJsonRequest(spans));
    expect(response.status).toBe(413);
    expect(response.body.message).toContain('6 spans; the limit is 5');
    expect((await ingest.get(`/v1/traces/${traceId}`)).status).toBe(404);
  });

  it('rejects a span with too many attributes and truncates long values with their original length', async () => {
    const traceId = newTraceId();
    const crowded = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, i]));
    const huge = '🙂'.repeat(150);
    const response = await sendJson(otlpJsonRequest([
      { traceId, spanId: newSpanId(), name: 'crowded', startNs: T0, endNs: T0, attributes: crowded },
      { traceId, spanId: newSpanId(), name: 'long', startNs: T0, endNs: T0, attributes: { note: huge, city: 'Zürich — 東京' } },
    ]));
    expect(response.status).toBe(200);
    expect(response.body.partialSuccess.rejectedSpans).toBe('1');
    expect(response.body.partialSuccess.errorMessage).toContain('11 attributes; the limit is 10');
    const body = await ingest.waitForTrace(traceId, 1);
    const [span] = allNodes(body.spans);
    expect(span.attributes.note).toBe(`${'🙂'.repeat(100)}…[truncated]`);
    expect(span.attributes['estate.truncated']).toEqual({ note: 150 });
    expect(span.attributes.city).toBe('Zürich — 東京');
  });

  it('rejects a span that ends before it starts', async () => {
    const traceId = newTraceId();
    const response = await sendJson(otlpJsonRequest([
      { traceId, spanId: newSpanId(), name: 'kept', startNs: T0, endNs: T0 + 5n },
      { traceId, spanId: newSpanId(), name: 'backwards', startNs: T0, endNs: 1n },
    ]));
    expect(response.status).toBe(200);
    expect(response.body.partialSuccess.rejectedSpans).toBe('1');
    expect(response.body.partialSuccess.errorMessage).toContain(`resourceSpans[0].scopeSpans[0].spans[1]: endTimeUnixNano 1 precedes startTimeUnixNano ${T0}`);
    const body = await ingest.waitForTrace(traceId, 1);
    expect(allNodes(body.spans).map((span) => span.name)).toEqual(['kept']);
  });

  it('keeps a span with a negative token count and warns', async () => {
    const traceId = newTraceId();
    const spanId = newSpanId();
    const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': -500, 'gen_ai.usage.output_tokens': 1.5 };
    const response = await sendJson(otlpJsonRequest([{ traceId, spanId, name: 'chat gpt-4o-mini', startNs: T0, endNs: T0 + 5n, attributes }]));
    expect(response.status).toBe(200);
    expect(response.body.partialSuccess.rejectedSpans).toBe('0');
    expect(response.body.partialSuccess.errorMessage).toContain(`span ${spanId}: gen_ai.usage.input_tokens = -500 is not a token count (a whole number from 0 to 9007199254740991)`);
    expect(response.body.partialSuccess.errorMessage).toContain('gen_ai.usage.output_tokens = 1.5');
    const body = await ingest.waitForTrace(traceId, 1);
    const [span] = allNodes(body.spans);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(-500);
    expect(span.usage).toBeNull();
  });

  it('redacts PII and secrets in message content for a tenant environment with redaction on', async () => {
    const traceId = newTraceId();
    const content = 'mail jane.doe@example.com, key sk-abcdefghijklmnopqrstuvwx';
    await sendJson(otlpJsonRequest(
      [{ traceId, spanId: newSpanId(), name: 'chat', startNs: T0, endNs: T0, attributes: { 'gen_ai.input.messages': content, 'user.note': 'jane.doe@example.com' } }],
      { 'service.name': 'helpdesk', 'deployment.environment.name': 'prod' },
    ));
    const [span] = allNodes((await ingest.waitForTrace(traceId, 1)).spans);
    expect(span.attributes['gen_ai.input.messages']).toBe('mail [REDACTED:email], key [REDACTED:secret]');
    expect(span.attributes['user.note']).toBe('jane.doe@example.com');
    expect(span.attributes['estate.redactions']).toBe(2);
  });

  it.each([
    ['no key', {}, 401],
    ['an unknown key', { authorization: 'Bearer est_unknown_key' }, 401],
  ])('rejects a request with %s', async (_, headers, status) => {
    const response = await fetch(ingest.otlpHttpUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    expect(response.status).toBe(status);
  });

  it('rejects an unsupported content type with 415 and a readable JSON body', async () => {
    const response = await send('<xml/>', { 'content-type': 'application/xml' });
    expect(response.status).toBe(415);
    expect(JSON.parse(response.bytes.toString('utf8'))).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('send application/x-protobuf or application/json') });
  });

  it('answers an unknown route with the shared error body', async () => {
    const response = await fetch(ingest.otlpHttpUrl.replace('/v1/traces', '/v1/metrics'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'not_found', message: expect.stringContaining('send traces with POST /v1/traces') });
  });

  it('answers a wrong method with 405', async () => {
    const response = await fetch(ingest.otlpHttpUrl, { method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ code: 'method_not_allowed', message: expect.stringContaining('send traces with POST') });
  });

  it('rejects attribute values nested too deep as malformed, not as a retryable failure', async () => {
    // Built as text, because JSON.stringify runs out of stack on deep values. 1,000 levels stay under this run's body limit.
    const value = `${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(1000)}{"stringValue":"leaf"}${'}]}}'.repeat(1000)}`;
    const body = JSON.stringify(otlpJsonRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'deep', startNs: T0, endNs: T0 }])).replace('"attributes":[]', `"attributes":[{"key":"deep","value":${value}}]`);
    expect(body).toContain('"key":"deep"');
    const response = await send(body, { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.bytes.toString('utf8'))).toMatchObject({ code: 'invalid_argument', retryable: false, message: expect.stringContaining('nested more than 32 levels deep') });
  });
});
