import { Attributes, AttributeValue, setAttribute, SpanInput } from '@estate/genai-conventions';
import { DecodedBatch, MalformedPayloadError, parentOrUndefined, spanIdentityProblem } from '../otlp/decoded';
import { decodeJsonRequest } from '../otlp/decode-json';

export type TraceFileFormat = 'otlp-json' | 'otlp-json-lines' | 'readable-spans' | 'langfuse-trace';

type Json = Record<string, unknown>;

/**
 * Reads a trace file in any shape Estate imports:
 * - `otlp-json`: one OTLP/JSON ExportTraceServiceRequest;
 * - `otlp-json-lines`: one request per line, as the OpenTelemetry
 *   Collector's file exporter writes them;
 * - `readable-spans`: a JSON array of OpenTelemetry JS ReadableSpan dumps
 *   (`spanContext`, `[seconds, nanos]` times, flat attributes);
 * - `langfuse-trace`: a Langfuse trace export (`trace` plus `observations`),
 *   whose raw OTel attributes sit in each observation's `metadata`.
 */
export function parseTraceFile(text: string): { format: TraceFileFormat; batch: DecodedBatch } {
  const whole = tryParse(text);
  if (whole === undefined) return { format: 'otlp-json-lines', batch: parseJsonLines(text) };
  return parseTraceDocument(whole);
}

/** Reads a trace file that is one JSON document, already parsed. */
export function parseTraceDocument(whole: unknown): { format: TraceFileFormat; batch: DecodedBatch } {
  if (Array.isArray(whole)) return { format: 'readable-spans', batch: parseReadableSpans(whole) };
  if (whole && typeof whole === 'object') {
    const json = whole as Json;
    if ('resourceSpans' in json || 'resource_spans' in json) return { format: 'otlp-json', batch: decodeJsonRequest(json) };
    if ('observations' in json) return { format: 'langfuse-trace', batch: parseLangfuseTrace(json) };
  }
  throw new MalformedPayloadError(
    'file is not a trace export Estate reads: expected OTLP/JSON (resourceSpans), OTLP/JSON lines, a JSON array of ReadableSpan dumps, or a Langfuse trace (trace and observations). A bare attribute map has no trace or span ids to import',
  );
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseJsonLines(text: string): DecodedBatch {
  const batch: DecodedBatch = { spans: [], rejected: [] };
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = tryParse(line);
    if (parsed === undefined) throw new MalformedPayloadError('line is not JSON; each line must be one OTLP/JSON ExportTraceServiceRequest', `line ${index + 1}`);
    const decoded = decodeJsonRequest(parsed, `line ${index + 1}: `);
    batch.spans.push(...decoded.spans);
    batch.rejected.push(...decoded.rejected);
  });
  return batch;
}

function parseReadableSpans(items: unknown[]): DecodedBatch {
  const batch: DecodedBatch = { spans: [], rejected: [] };
  items.forEach((item, index) => {
    const path = `[${index}]`;
    if (!item || typeof item !== 'object') throw new MalformedPayloadError('must be a span object', path);
    const json = item as Json;
    const context = (json.spanContext ?? {}) as Json;
    const parentContext = (json.parentSpanContext ?? {}) as Json;
    const status = (json.status ?? {}) as Json;
    const resource = ((json.resource as Json | undefined)?.attributes ?? {}) as Attributes;
    const scope = (json.instrumentationScope ?? json.instrumentationLibrary) as Json | undefined;
    const span: SpanInput = {
      traceId: String(context.traceId ?? ''),
      spanId: String(context.spanId ?? ''),
      parentSpanId: parentOrUndefined(String(json.parentSpanId ?? parentContext.spanId ?? '')),
      name: String(json.name ?? ''),
      kind: typeof json.kind === 'number' ? json.kind + 1 : 0,
      startTimeUnixNano: hrTimeToNanos(json.startTime, `${path}.startTime`),
      endTimeUnixNano: hrTimeToNanos(json.endTime, `${path}.endTime`),
      statusCode: typeof status.code === 'number' ? status.code : 0,
      statusMessage: typeof status.message === 'string' && status.message ? status.message : undefined,
      attributes: plainAttributes(json.attributes),
      events: Array.isArray(json.events)
        ? json.events.map((e: Json, i: number) => ({ name: String(e.name ?? ''), timeUnixNano: hrTimeToNanos(e.time, `${path}.events[${i}].time`), attributes: plainAttributes(e.attributes) }))
        : [],
      resource: plainAttributes(resource),
      scope: scope && typeof scope.name === 'string' ? { name: scope.name, version: typeof scope.version === 'string' ? scope.version : undefined } : undefined,
    };
    pushChecked(batch, span, path);
  });
  return batch;
}

function parseLangfuseTrace(json: Json): DecodedBatch {
  const batch: DecodedBatch = { spans: [], rejected: [] };
  const observations = json.observations;
  if (!Array.isArray(observations)) throw new MalformedPayloadError('must be an array', 'observations');
  observations.forEach((item: Json, index) => {
    const path = `observations[${index}]`;
    const metadata = parseMaybeJson(item.metadata) as Json;
    const attributes = plainAttributes(metadata.attributes);
    const cost = item.costDetails as Json | undefined;
    if (cost && typeof cost.total === 'number' && !('langfuse.observation.cost_details' in attributes)) {
      attributes['langfuse.observation.cost_details'] = JSON.stringify(cost);
    }
    addLangfuseUsage(attributes, item.usageDetails);
    const scope = metadata.scope as Json | undefined;
    const start = isoToNanos(item.startTime, `${path}.startTime`);
    const span: SpanInput = {
      traceId: String(item.traceId ?? ''),
      spanId: String(item.id ?? ''),
      parentSpanId: parentOrUndefined(typeof item.parentObservationId === 'string' ? item.parentObservationId : undefined),
      name: String(item.name ?? ''),
      kind: 0,
      startTimeUnixNano: start,
      endTimeUnixNano: item.endTime ? isoToNanos(item.endTime, `${path}.endTime`) : start,
      statusCode: item.level === 'ERROR' ? 2 : 0,
      statusMessage: typeof item.statusMessage === 'string' && item.statusMessage ? item.statusMessage : undefined,
      attributes,
      events: [],
      resource: plainAttributes(metadata.resourceAttributes),
      scope: scope && typeof scope.name === 'string' ? { name: scope.name, version: typeof scope.version === 'string' ? scope.version : undefined } : undefined,
    };
    pushChecked(batch, span, path);
  });
  return batch;
}

/**
 * Some exporters (LangSmith's, in the Claude Agent SDK trace) send usage in a
 * form Langfuse parses but no span attribute carries. When the raw
 * attributes hold no token count, Langfuse's `usageDetails` input, output and
 * total are written as GenAI usage attributes, marked with their source.
 */
function addLangfuseUsage(attributes: Attributes, usageDetails: unknown): void {
  if (!usageDetails || typeof usageDetails !== 'object') return;
  if (Object.keys(attributes).some((key) => /(usage|token_count)/.test(key))) return;
  const usage = usageDetails as Json;
  const pairs: Array<[string, unknown]> = [
    ['gen_ai.usage.input_tokens', usage.input],
    ['gen_ai.usage.output_tokens', usage.output],
    ['gen_ai.usage.total_tokens', usage.total],
  ];
  const present = pairs.filter(([, value]) => typeof value === 'number');
  if (present.length === 0) return;
  for (const [key, value] of present) attributes[key] = value as number;
  attributes['estate.usage_source'] = 'langfuse usageDetails';
}

function pushChecked(batch: DecodedBatch, span: SpanInput, path: string): void {
  const problem = spanIdentityProblem(span);
  if (problem) batch.rejected.push({ path, reason: problem });
  else batch.spans.push(span);
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? {};
  return tryParse(value) ?? {};
}

/** Flat attribute maps hold plain JSON values already; anything else is kept as its JSON text. */
function plainAttributes(value: unknown): Attributes {
  const attributes: Attributes = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return attributes;
  for (const [key, v] of Object.entries(value as Json)) setAttribute(attributes, key, v === undefined ? null : (v as AttributeValue));
  return attributes;
}

/** OpenTelemetry JS HrTime: `[seconds, nanoseconds]`. */
function hrTimeToNanos(value: unknown, path: string): string {
  if (Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v) && v >= 0)) {
    return (BigInt(value[0]) * 1_000_000_000n + BigInt(value[1])).toString();
  }
  throw new MalformedPayloadError('must be an HrTime [seconds, nanoseconds]', path);
}

/** ISO 8601 with up to nanosecond fractions, exact. */
function isoToNanos(value: unknown, path: string): string {
  const match = typeof value === 'string' ? /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(value) : null;
  const seconds = match ? Date.parse(`${match[1]}${match[3]}`) : NaN;
  if (!match || Number.isNaN(seconds)) throw new MalformedPayloadError(`must be an ISO 8601 time, got ${JSON.stringify(value)}`, path);
  const fraction = (match[2] ?? '').padEnd(9, '0');
  return (BigInt(seconds) * 1_000_000n + BigInt(fraction)).toString();
}
