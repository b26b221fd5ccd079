import { Metadata } from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { context, trace } from '@opentelemetry/api';
import { allNodes, startTraceIngest, TraceIngestUnderTest } from '../test/harness';

jest.setTimeout(90_000);

/** Records one agent request with the real OpenTelemetry SDK: request -> agent -> chat (with usage) and a tool call. */
function recordAgentRequest(service: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment.name': 'prod', 'estate.team': 'support' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('estate-test', '1.0.0');
  const root = tracer.startSpan('POST /v1/answer', { kind: SpanKind.SERVER, attributes: { 'estate.workflow': 'support-answer' } });
  const rootContext = trace.setSpan(context.active(), root);
  const agent = tracer.startSpan('invoke_agent triage', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'triage', 'gen_ai.usage.input_tokens': 999 } }, rootContext);
  const agentContext = trace.setSpan(rootContext, agent);
  const chat = tracer.startSpan('chat gpt-4o', {
    kind: SpanKind.CLIENT,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.cache_read.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 300,
      'gen_ai.usage.reasoning.output_tokens': 100,
    },
  }, agentContext);
  chat.addEvent('gen_ai.client.inference.operation.details', { 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Où est ma commande ?"}]}]' });
  chat.end();
  const tool = tracer.startSpan('execute_tool lookup_order', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order', 'gen_ai.tool.call.id': 'call_1' } }, agentContext);
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'order service timed out' });
  tool.end();
  agent.end();
  root.end();
  return memory.getFinishedSpans();
}

function exportWith(exporter: SpanExporter, spans: ReadableSpan[]): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(spans, (result) => resolve(result)));
}

describe('OTLP receivers with the OpenTelemetry JS exporters', () => {
  let ingest: TraceIngestUnderTest;

  beforeAll(async () => {
    ingest = await startTraceIngest();
  });

  afterAll(async () => {
    await ingest.stop();
  });

  const exporters: Array<[string, () => SpanExporter]> = [
    ['http/protobuf', () => new ProtoExporter({ url: ingest.otlpHttpUrl, headers: { authorization: `Bearer ${ingest.keys.ingest.key}` } })],
    ['http/json', () => new JsonExporter({ url: ingest.otlpHttpUrl, headers: { authorization: `Bearer ${ingest.keys.ingest.key}` } })],
    [
      'grpc',
      () => {
        const metadata = new Metadata();
        metadata.set('authorization', `Bearer ${ingest.keys.ingest.key}`);
        return new GrpcExporter({ url: ingest.otlpGrpcAddress, metadata });
      },
    ],
  ];

  it.each(exporters)('%s exporter lands the request as a tree with its token counts', async (name, makeExporter) => {
    const spans = recordAgentRequest(`answer-${name.replace(/\W/g, '-')}`);
    const exporter = makeExporter();
    const result = await exportWith(exporter, spans);
    await exporter.shutdown();
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(0);

    const traceId = spans[0].spanContext().traceId;
    const body = await ingest.waitForTrace(traceId, 4);
    expect(body.trace.spanCount).toBe(4);
    expect(body.trace.orphanCount).toBe(0);
    expect(body.trace.status).toBe('error');
    expect(body.trace.errorCount).toBe(1);
    expect(body.trace.workflow).toBe('support-answer');
    expect(body.trace.environment).toBe('prod');
    expect(body.trace.models).toEqual(['gpt-4o-2024-08-06']);
    expect(body.trace.tools).toEqual(['lookup_order']);
    expect(body.trace.agents).toEqual(['triage']);
    // The agent span's own 999 input tokens repeat its children's and are not counted.
    expect(body.trace.tokens).toMatchObject({ input: 200, cachedInput: 1000, output: 200, reasoning: 100, total: 1500 });

    expect(body.spans).toHaveLength(1);
    const [root] = body.spans;
    expect(root.step).toBe('request');
    expect(root.children.map((c: any) => c.step)).toEqual(['agent_invocation']);
    expect(root.children[0].children.map((c: any) => c.step)).toEqual(['llm_call', 'tool_call']);
    const chat = allNodes(body.spans).find((n) => n.step === 'llm_call');
    expect(chat.context).toMatchObject({ provider: 'openai', modelRequested: 'gpt-4o', modelServed: 'gpt-4o-2024-08-06', team: 'support', agent: 'triage' });
    expect(chat.events[0].attributes['gen_ai.input.messages']).toContain('Où est ma commande ?');
    expect(allNodes(body.spans).find((n) => n.step === 'agent_invocation').usage).toBeNull();
  });
});
