import * as grpc from '@grpc/grpc-js';
import { startTraceIngest, TraceIngestUnderTest } from '../test/harness';
import { newSpanId, newTraceId, otlpJsonRequest } from '../test/otlp-json';
import { TRACE_QUERY_SERVICE } from './query/trace-query-grpc';

jest.setTimeout(120_000);

const T0 = 1_760_000_000_000_000_000n;
const TraceQueryClient = grpc.makeGenericClientConstructor(TRACE_QUERY_SERVICE, 'TraceQuery');

describe('TraceQuery over gRPC', () => {
  let ingest: TraceIngestUnderTest;
  let client: grpc.Client;

  beforeAll(async () => {
    ingest = await startTraceIngest();
    client = new TraceQueryClient(ingest.otlpGrpcAddress.replace('http://', ''), grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    client.close();
    await ingest.stop();
  });

  const call = (method: string, request: object, key: string): Promise<any> =>
    new Promise((resolve, reject) => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${key}`);
      (client as any)[method](request, metadata, (error: grpc.ServiceError | null, response: unknown) => (error ? reject(error) : resolve(response)));
    });

  it('returns a trace and finds it by model', async () => {
    const traceId = newTraceId();
    const root = newSpanId();
    await fetch(ingest.otlpHttpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest.keys.ingest.key}` },
      body: JSON.stringify(otlpJsonRequest([
        { traceId, spanId: root, name: 'POST /ask', kind: 2, startNs: T0, endNs: T0 + 100n },
        { traceId, spanId: newSpanId(), parentSpanId: root, name: 'chat', startNs: T0 + 1n, endNs: T0 + 50n, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': `model-${traceId.slice(0, 8)}`, 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.output_tokens': 3 } },
      ])),
    });
    await ingest.waitForTrace(traceId, 2);

    const found = await call('GetTrace', { traceId }, ingest.keys.security.key);
    expect(found.trace).toMatchObject({ traceId, spanCount: 2, rootSpanId: root, tokens: { input: '12', output: '3', total: '15' } });
    expect(found.spans.map((s: any) => [s.step, s.depth])).toEqual([['request', 0], ['llm_call', 1]]);
    expect(JSON.parse(found.spans[1].usageJson)).toEqual({ input: 12, output: 3, total: 15 });

    const search = await call('SearchTraces', { model: `model-${traceId.slice(0, 8)}` }, ingest.keys.security.key);
    expect(search.traces.map((t: any) => t.traceId)).toEqual([traceId]);
  });

  it('maps errors to gRPC status codes', async () => {
    await expect(call('GetTrace', { traceId: newTraceId() }, ingest.keys.security.key)).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    await expect(call('GetTrace', { traceId: 'nope' }, ingest.keys.security.key)).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    await expect(call('GetTrace', { traceId: newTraceId() }, ingest.keys.ingest.key)).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    await expect(call('SearchTraces', { status: 'weird' }, ingest.keys.security.key)).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });
});
