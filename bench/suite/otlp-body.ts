import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { canonicalSpans } from './span-fixtures';

export const PROTO_ROOT = join(__dirname, '../../proto');
const TRACE_SERVICE_PROTO = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

/** The OTLP ExportTraceServiceRequest type, or undefined when the repository has no OTLP protos. */
export function loadExportRequestType(): protobuf.Type | undefined {
  if (!existsSync(join(PROTO_ROOT, TRACE_SERVICE_PROTO))) return undefined;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  root.loadSync(TRACE_SERVICE_PROTO, { keepCase: false });
  root.resolveAll();
  return root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
}

function stringAttributes(values: Record<string, unknown>): Array<{ key: string; value: Record<string, unknown> }> {
  return Object.entries(values).map(([key, value]) => ({
    key,
    value: typeof value === 'number' ? { doubleValue: value } : { stringValue: String(value) },
  }));
}

/**
 * An OTLP/HTTP protobuf body carrying `spanCount` GenAI spans of one service,
 * the shape a batch span processor exports.
 */
export function otlpTraceBody(type: protobuf.Type, spanCount: number): Buffer {
  const spans = [];
  for (let t = 0; spans.length < spanCount; t++) {
    const traceId = Buffer.from(`${t}`.padStart(32, 'a').slice(0, 32), 'hex');
    for (const span of canonicalSpans(traceId.toString('hex'), 1_700_000_000_000_000_000n + BigInt(t))) {
      if (spans.length === spanCount) break;
      const usage = span.usage ? { 'gen_ai.usage.input_tokens': span.usage.input, 'gen_ai.usage.output_tokens': span.usage.output } : {};
      spans.push({
        traceId,
        spanId: Buffer.from(span.spanId, 'hex'),
        parentSpanId: span.parentSpanId ? Buffer.from(span.parentSpanId, 'hex') : undefined,
        name: span.name,
        kind: 3,
        startTimeUnixNano: span.startTimeUnixNano,
        endTimeUnixNano: span.endTimeUnixNano,
        attributes: stringAttributes({ ...span.attributes, ...usage }),
        status: { code: 1 },
      });
    }
  }
  const message = type.fromObject({
    resourceSpans: [
      {
        resource: { attributes: stringAttributes({ 'service.name': 'support-agent', 'deployment.environment.name': 'prod' }) },
        scopeSpans: [{ scope: { name: 'opentelemetry.instrumentation.openai' }, spans }],
      },
    ],
  });
  return Buffer.from(type.encode(message).finish());
}
