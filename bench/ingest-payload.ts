import { randomBytes } from 'node:crypto';
import type { MessageBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { SpanIngestor } from '../services/trace-ingest/src/ingest/span-ingestor';
import { decodeProtobufRequest } from '../services/trace-ingest/src/otlp/decode-protobuf';
import { ExportTraceServiceRequest } from '../services/trace-ingest/src/otlp/otlp-schema';
import { DEFAULT_LIMITS } from '../services/trace-ingest/src/settings';

export const SPANS_PER_TRACE = 8;

function attributes(values: Record<string, string | number>) {
  return Object.entries(values).map(([key, value]) => ({ key, value: typeof value === 'number' ? { intValue: value } : { stringValue: value } }));
}

/**
 * An OTLP/HTTP protobuf body of `spanCount` spans shaped like agent
 * requests (request, agent, two model calls with usage, retrieval, tools),
 * with GenAI attributes and a short prompt, as a batch span processor sends
 * them. Each call draws new trace and span ids.
 */
export function agentTraceBody(spanCount: number, startNs = 1_760_000_000_000_000_000n): { body: Buffer; traceIds: string[] } {
  const spans: Array<Record<string, unknown>> = [];
  const traceIds: string[] = [];
  while (spans.length < spanCount) {
    const traceId = randomBytes(16);
    traceIds.push(traceId.toString('hex'));
    const root = randomBytes(8);
    const agent = randomBytes(8);
    const shapes: Array<{ name: string; parent?: Buffer; id?: Buffer; kind: number; attrs: Record<string, string | number> }> = [
      { name: 'POST /v1/answer', id: root, kind: 2, attrs: { 'http.request.method': 'POST', 'estate.workflow': 'refund-triage' } },
      { name: 'invoke_agent triage', id: agent, parent: root, kind: 1, attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'triage-agent' } },
      { name: 'chat gpt-4o-mini', parent: agent, kind: 3, attrs: chat(1800, 1024, 220) },
      { name: 'execute_tool crm.lookup_order', parent: agent, kind: 1, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'crm.lookup_order', 'gen_ai.tool.call.id': 'call_1' } },
      { name: 'retrieval kb', parent: agent, kind: 3, attrs: { 'openinference.span.kind': 'RETRIEVER', 'retrieval.documents.0.document.id': 'kb-17' } },
      { name: 'chat gpt-4o-mini', parent: agent, kind: 3, attrs: chat(2400, 1536, 310) },
      { name: 'execute_tool crm.issue_refund', parent: agent, kind: 1, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'crm.issue_refund', 'gen_ai.tool.call.id': 'call_2' } },
      { name: 'POST /refunds', parent: root, kind: 3, attrs: { 'estate.step': 'side_effect', 'http.request.method': 'POST' } },
    ];
    shapes.slice(0, Math.min(SPANS_PER_TRACE, spanCount - spans.length)).forEach((shape, index) => {
      const start = startNs + BigInt(index) * 1_000_000n;
      spans.push({
        traceId,
        spanId: shape.id ?? randomBytes(8),
        parentSpanId: shape.parent,
        name: shape.name,
        kind: shape.kind,
        startTimeUnixNano: start.toString(),
        endTimeUnixNano: (start + 250_000_000n).toString(),
        attributes: attributes(shape.attrs),
        status: { code: 1 },
      });
    });
  }
  const message = ExportTraceServiceRequest.fromObject({
    resourceSpans: [
      {
        resource: { attributes: attributes({ 'service.name': 'support-agent', 'deployment.environment.name': 'prod', 'estate.team': 'customer-care' }) },
        scopeSpans: [{ scope: { name: 'opentelemetry.instrumentation.openai', version: '0.50.0' }, spans }],
      },
    ],
  });
  return { body: Buffer.from(ExportTraceServiceRequest.encode(message).finish()), traceIds };
}

function chat(input: number, cached: number, output: number): Record<string, string | number> {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.cache_read.input_tokens': cached,
    'gen_ai.usage.output_tokens': output,
    'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Where is order 4411? The customer asks for a refund."}]}]',
  };
}

/**
 * Measures the `trace.spans.recorded` records the receivers make of one
 * `agentTraceBody` request, encoded by the service's own code without
 * appending them: their median size in bytes and the spans each carries.
 * Kafka's producer tool runs at this size, so both sides move the same records.
 */
export function ingestRecordShape(bus: MessageBus, spanCount = 512): { recordBytes: number; spansPerRecord: number } {
  const topics = { spans: 'size-probe.spans', observations: 'size-probe.observations', policyDecisions: 'size-probe.decisions', approvalEvents: 'size-probe.approvals' };
  const ingestor = new SpanIngestor(bus, { otlpHttpPort: 0, otlpGrpcPort: 0, limits: DEFAULT_LIMITS, redaction: [], topics }, createLogger('size-probe', 'warn'));
  const { records } = ingestor.toRecords('tenant-bench', 'otlp-http-protobuf', decodeProtobufRequest(agentTraceBody(spanCount).body));
  const sizes = records.filter((r) => r.topic === topics.spans).map((r) => r.value.length).sort((a, b) => a - b);
  return { recordBytes: sizes[Math.floor(sizes.length / 2)], spansPerRecord: spanCount / sizes.length };
}
