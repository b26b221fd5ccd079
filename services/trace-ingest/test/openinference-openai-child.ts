/**
 * Runs in its own Node process: the `openai` client instrumented by
 * `@arizeai/openinference-instrumentation-openai` calls a chat-completions
 * model served at <model base url>, inside a server span, and the spans go
 * to Estate with the real OTLP/HTTP protobuf exporter. Prints the trace id.
 *
 * Usage: openinference-openai-child.ts <model base url> <otlp url> <api key>
 */
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';

async function run(): Promise<void> {
  const [modelBaseUrl, otlpUrl, key] = process.argv.slice(2);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-bot', 'deployment.environment.name': 'staging', 'estate.workflow': 'answer-ticket' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: otlpUrl, headers: { authorization: `Bearer ${key}` } }))],
  });
  provider.register();
  const instrumentation = new OpenAIInstrumentation({ tracerProvider: provider });
  // Loaded after the instrumentation exists so the patch applies to this module instance.
  const openai = await import('openai');
  // The patch reads the module namespace (its OpenAI export), which the declared parameter type does not describe.
  instrumentation.manuallyInstrument(openai as never);
  const client = new openai.OpenAI({ apiKey: 'test-key-for-loopback-stub', baseURL: modelBaseUrl, maxRetries: 0 });

  const root = provider.getTracer('support-bot').startSpan('POST /tickets/answer', { kind: SpanKind.SERVER });
  await context.with(trace.setSpan(context.active(), root), () =>
    client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Résume le ticket 42, s’il te plaît.' }] }),
  );
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  process.stdout.write(`${JSON.stringify({ traceId: root.spanContext().traceId })}\n`);
}

run().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
