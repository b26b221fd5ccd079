/**
 * Runs in its own Node process: records one agent request with the real
 * OpenTelemetry JS SDK and sends it with a real OTLP exporter, then prints
 * `{"traceId", "code", "error"}` as one JSON line. The HTTP exporters load
 * their transport with a dynamic import, which jest's module sandbox cannot
 * run, so the integration test starts this script with ts-node.
 *
 * Usage: otel-export-child.ts <http/protobuf|http/json|grpc> <url> <api key> <service name>
 */
import { Metadata } from '@grpc/grpc-js';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';

function recordAgentRequest(service: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment.name': 'prod', 'estate.team': 'support' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('estate-test', '1.0.0');
  const root = tracer.startSpan('POST /v1/answer', { kind: SpanKind.SERVER, attributes: { 'estate.workflow': 'support-answer' } });
  const rootContext = trace.setSpan(context.active(), root);
  // The agent span repeats a usage total, as agent frameworks do; it must not be counted.
  const agent = tracer.startSpan('invoke_agent triage', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'triage', 'gen_ai.usage.input_tokens': 999 } }, rootContext);
  const agentContext = trace.setSpan(rootContext, agent);
  const chat = tracer.startSpan(
    'chat gpt-4o',
    {
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
    },
    agentContext,
  );
  chat.addEvent('gen_ai.client.inference.operation.details', { 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Où est ma commande ?"}]}]' });
  chat.end();
  const tool = tracer.startSpan('execute_tool lookup_order', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order', 'gen_ai.tool.call.id': 'call_1' } }, agentContext);
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'order service timed out' });
  tool.end();
  agent.end();
  root.end();
  return memory.getFinishedSpans();
}

function exporterFor(protocol: string, url: string, key: string): SpanExporter {
  const headers = { authorization: `Bearer ${key}` };
  if (protocol === 'http/protobuf') return new ProtoExporter({ url, headers });
  if (protocol === 'http/protobuf+gzip') return new ProtoExporter({ url, headers, compression: 'gzip' as never });
  if (protocol === 'http/json') return new JsonExporter({ url, headers });
  if (protocol === 'grpc') {
    const metadata = new Metadata();
    metadata.set('authorization', headers.authorization);
    return new GrpcExporter({ url, metadata });
  }
  throw new Error(`unknown protocol ${protocol}; expected http/protobuf, http/protobuf+gzip, http/json or grpc`);
}

async function run(): Promise<void> {
  const [protocol, url, key, service] = process.argv.slice(2);
  const spans = recordAgentRequest(service);
  const exporter = exporterFor(protocol, url, key);
  const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));
  await exporter.shutdown();
  process.stdout.write(`${JSON.stringify({ traceId: spans[0].spanContext().traceId, code: result.code, error: result.error?.message })}\n`);
}

void run();
