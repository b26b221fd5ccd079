import { randomBytes } from 'node:crypto';
import { CanonicalSpan, createEnvelope, encodeEvent, EncodedEvent, EventEnvelope, SpanStep, SpansRecorded, SpansRecordedV1 } from '@estate/contracts';

/**
 * Synthetic GenAI traces shaped like an agent request: a request span, a
 * retrieval, a model call with token usage and a tool call. Attribute names
 * follow the OpenTelemetry GenAI conventions, so record sizes are those of
 * real `trace.spans.recorded` events.
 */
export const SPANS_PER_TRACE = 4;
const STEPS: SpanStep[] = ['request', 'retrieval', 'llm_call', 'tool_call'];

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export function canonicalSpans(traceId: string, startNs: bigint): CanonicalSpan[] {
  const rootId = hex(8);
  return STEPS.map((step, index) => {
    const begin = startNs + BigInt(index) * 1_000_000n;
    const span: CanonicalSpan = {
      traceId,
      spanId: index === 0 ? rootId : hex(8),
      parentSpanId: index === 0 ? undefined : rootId,
      name: step === 'llm_call' ? 'chat gpt-4o-mini' : `${step} support-agent`,
      step,
      startTimeUnixNano: begin.toString(),
      endTimeUnixNano: (begin + 250_000_000n).toString(),
      status: 'ok',
      context: {
        service: 'support-agent',
        environment: 'prod',
        workflow: 'refund-triage',
        team: 'customer-care',
        agent: 'triage-agent',
        tool: step === 'tool_call' ? 'crm.lookup_order' : undefined,
        modelRequested: step === 'llm_call' ? 'gpt-4o-mini' : undefined,
        provider: step === 'llm_call' ? 'openai' : undefined,
        operation: step === 'llm_call' ? 'chat' : undefined,
      },
      usage: step === 'llm_call' ? { input: 1200, output: 180, cachedInput: 512, total: 1892 } : undefined,
      attributes: {
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.request.temperature': 0.2,
        'deployment.environment.name': 'prod',
        'session.id': `s-${traceId.slice(0, 8)}`,
      },
      resource: { 'service.name': 'support-agent', 'service.version': '1.4.2', 'telemetry.sdk.language': 'python' },
      scope: 'opentelemetry.instrumentation.openai',
    };
    return span;
  });
}

export function spansEnvelope(tenantId: string): EventEnvelope<SpansRecorded> {
  const traceId = hex(16);
  const payload: SpansRecorded = {
    traceId,
    source: 'otlp-http-protobuf',
    spans: canonicalSpans(traceId, BigInt(Date.now()) * 1_000_000n),
  };
  return createEnvelope({
    type: SpansRecordedV1.type,
    schemaVersion: 1,
    tenantId,
    producer: 'bench',
    key: traceId,
    correlationId: traceId,
    payload,
  });
}

/** Encodes `count` span events for `topic` (a per-run copy of the spans topic). */
export function encodedSpanEvents(count: number, tenantId: string, topic: string): EncodedEvent[] {
  return Array.from({ length: count }, () => ({ ...encodeEvent(spansEnvelope(tenantId)), topic }));
}

/** Median encoded size in bytes of a `trace.spans.recorded` record, measured on fresh events. */
export function spanRecordBytes(): number {
  const sizes = encodedSpanEvents(21, 'tenant-bench', 'size-probe').map((e) => e.value.length).sort((a, b) => a - b);
  return sizes[10];
}
