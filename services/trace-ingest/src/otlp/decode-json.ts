import { Attributes, AttributeValue, setAttribute, SpanInput } from '@estate/genai-conventions';
import { attributeTooDeep, DecodedBatch, MalformedPayloadError, MAX_ATTRIBUTE_DEPTH, parentOrUndefined, spanIdentityProblem } from './decoded';

type Json = Record<string, unknown>;

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest`. OTLP/JSON differs from the
 * generic protobuf JSON mapping in that trace and span ids are hex strings;
 * base64 ids, which generic protobuf JSON encoders write, are accepted too.
 * Field names may be lowerCamelCase or the .proto's snake_case; enums may be
 * numbers or their names.
 */
export function decodeJsonRequest(body: unknown, pathPrefix = ''): DecodedBatch {
  const request = object(body, pathPrefix || '$');
  const batch: DecodedBatch = { spans: [], rejected: [] };
  list(field(request, 'resourceSpans', 'resource_spans'), `${pathPrefix}resourceSpans`).forEach((rsValue, r) => {
    const rsPath = `${pathPrefix}resourceSpans[${r}]`;
    const rs = object(rsValue, rsPath);
    const resourceValue = field(rs, 'resource');
    const resource = resourceValue === undefined ? {} : attributes(field(object(resourceValue, `${rsPath}.resource`), 'attributes'), `${rsPath}.resource.attributes`);
    list(field(rs, 'scopeSpans', 'scope_spans'), `${rsPath}.scopeSpans`).forEach((ssValue, s) => {
      const ssPath = `${rsPath}.scopeSpans[${s}]`;
      const ss = object(ssValue, ssPath);
      const scopeValue = field(ss, 'scope');
      const scopeObject = scopeValue === undefined ? undefined : object(scopeValue, `${ssPath}.scope`);
      const scopeName = scopeObject ? optionalString(field(scopeObject, 'name'), `${ssPath}.scope.name`) : undefined;
      const scope = scopeName ? { name: scopeName, version: optionalString(field(scopeObject!, 'version'), `${ssPath}.scope.version`) || undefined } : undefined;
      list(field(ss, 'spans'), `${ssPath}.spans`).forEach((spanValue, i) => {
        const path = `${ssPath}.spans[${i}]`;
        const span = toSpanInput(object(spanValue, path), path, resource, scope);
        const problem = spanIdentityProblem(span);
        if (problem) batch.rejected.push({ path, reason: problem });
        else batch.spans.push(span);
      });
    });
  });
  return batch;
}

function toSpanInput(json: Json, path: string, resource: Attributes, scope: SpanInput['scope']): SpanInput {
  const statusValue = field(json, 'status');
  const status = statusValue === undefined ? {} : object(statusValue, `${path}.status`);
  return {
    traceId: id(field(json, 'traceId', 'trace_id'), 16),
    spanId: id(field(json, 'spanId', 'span_id'), 8),
    parentSpanId: parentOrUndefined(id(field(json, 'parentSpanId', 'parent_span_id'), 8)),
    name: optionalString(field(json, 'name'), `${path}.name`) ?? '',
    kind: enumValue(field(json, 'kind'), SPAN_KINDS, `${path}.kind`),
    startTimeUnixNano: nanos(field(json, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`),
    endTimeUnixNano: nanos(field(json, 'endTimeUnixNano', 'end_time_unix_nano'), `${path}.endTimeUnixNano`),
    statusCode: enumValue(field(status, 'code'), STATUS_CODES, `${path}.status.code`),
    statusMessage: optionalString(field(status, 'message'), `${path}.status.message`) || undefined,
    attributes: attributes(field(json, 'attributes'), `${path}.attributes`),
    events: list(field(json, 'events') ?? [], `${path}.events`).map((eventValue, e) => {
      const eventPath = `${path}.events[${e}]`;
      const event = object(eventValue, eventPath);
      return {
        name: optionalString(field(event, 'name'), `${eventPath}.name`) ?? '',
        timeUnixNano: nanos(field(event, 'timeUnixNano', 'time_unix_nano'), `${eventPath}.timeUnixNano`),
        attributes: attributes(field(event, 'attributes'), `${eventPath}.attributes`),
      };
    }),
    resource,
    scope,
  };
}

export function attributes(value: unknown, path: string, depth = 0): Attributes {
  const result: Attributes = {};
  if (value === undefined || value === null) return result;
  list(value, path).forEach((kvValue, i) => {
    const kv = object(kvValue, `${path}[${i}]`);
    const key = field(kv, 'key');
    if (typeof key !== 'string') throw new MalformedPayloadError('key must be a string', `${path}[${i}].key`);
    setAttribute(result, key, anyValue(field(kv, 'value'), `${path}[${i}].value`, depth));
  });
  return result;
}

function anyValue(value: unknown, path: string, depth: number): AttributeValue {
  if (value === undefined || value === null) return null;
  if (depth > MAX_ATTRIBUTE_DEPTH) throw attributeTooDeep(path);
  const json = object(value, path);
  const stringValue = field(json, 'stringValue', 'string_value');
  if (stringValue !== undefined) return String(stringValue);
  const boolValue = field(json, 'boolValue', 'bool_value');
  if (boolValue !== undefined) return Boolean(boolValue);
  const intValue = field(json, 'intValue', 'int_value');
  if (intValue !== undefined) return integer(intValue, `${path}.intValue`);
  const doubleValue = field(json, 'doubleValue', 'double_value');
  if (doubleValue !== undefined) return Number(doubleValue);
  const arrayValue = field(json, 'arrayValue', 'array_value');
  if (arrayValue !== undefined) {
    const values = field(object(arrayValue, `${path}.arrayValue`), 'values') ?? [];
    return list(values, `${path}.arrayValue.values`).map((v, i) => anyValue(v, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  const kvlistValue = field(json, 'kvlistValue', 'kvlist_value');
  if (kvlistValue !== undefined) return attributes(field(object(kvlistValue, `${path}.kvlistValue`), 'values'), `${path}.kvlistValue.values`, depth + 1);
  const bytesValue = field(json, 'bytesValue', 'bytes_value');
  if (bytesValue !== undefined) return String(bytesValue);
  return null;
}

function integer(value: unknown, path: string): number | string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^-?\d+$/.test(text)) throw new MalformedPayloadError(`must be an integer or a decimal string, got ${JSON.stringify(value)}`, path);
  const asNumber = Number(text);
  return Number.isSafeInteger(asNumber) ? asNumber : text;
}

/** Hex ids as OTLP/JSON specifies them, or base64 as generic protobuf JSON writes them. Invalid ids pass through for the identity check to reject. */
function id(value: unknown, bytes: number): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string') return String(value);
  if (value.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(value)) return value.toLowerCase();
  const decoded = Buffer.from(value, 'base64');
  return decoded.length === bytes && decoded.toString('base64').replace(/=+$/, '') === value.replace(/=+$/, '') ? decoded.toString('hex') : value;
}

function nanos(value: unknown, path: string): string {
  if (value === undefined || value === null) return '0';
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value).toString();
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
  throw new MalformedPayloadError(`must be nanoseconds since the epoch as an unsigned integer or decimal string, got ${JSON.stringify(value)}`, path);
}

function enumValue(value: unknown, names: Record<string, number>, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && value in names) return names[value];
  throw new MalformedPayloadError(`must be one of ${Object.keys(names).join(', ')} or its number, got ${JSON.stringify(value)}`, path);
}

function field(json: Json, ...names: string[]): unknown {
  for (const name of names) if (json[name] !== undefined) return json[name];
  return undefined;
}

function object(value: unknown, path: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MalformedPayloadError('must be a JSON object', path);
  return value as Json;
}

function list(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedPayloadError('must be a JSON array', path);
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new MalformedPayloadError('must be a string', path);
  return value;
}
