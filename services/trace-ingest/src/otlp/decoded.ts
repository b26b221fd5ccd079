import type { SpanInput } from '@estate/genai-conventions';

/** A span the decoder could not read, with where it sits in the request and why. */
export interface RejectedSpan {
  path: string;
  reason: string;
}

/** The spans of one request: readable ones, and rejected ones that the partial-success response counts. */
export interface DecodedBatch {
  spans: SpanInput[];
  rejected: RejectedSpan[];
}

/** The payload cannot be read at all; nothing of it is accepted. */
export class MalformedPayloadError extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'MalformedPayloadError';
  }
}

export const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
export const HEX_SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
/** The largest signed 64-bit integer: span times are stored as Postgres bigint nanoseconds. */
const LATEST_NANOS = '9223372036854775807';

/**
 * Checks the identity and times OTLP requires of a span, and returns the
 * reason it is unusable, if any. `hexIds` means the decoder wrote the ids
 * as hex itself (from protobuf bytes), so only their lengths need checking.
 */
export function spanIdentityProblem(span: Pick<SpanInput, 'traceId' | 'spanId' | 'parentSpanId' | 'startTimeUnixNano' | 'endTimeUnixNano'>, hexIds = false): string | undefined {
  if (!isHexId(span.traceId, HEX_TRACE_ID, 32, hexIds) || span.traceId === ZERO_TRACE_ID) return `traceId "${span.traceId}" must be 16 non-zero bytes (32 hex characters)`;
  if (!isHexId(span.spanId, HEX_SPAN_ID, 16, hexIds) || span.spanId === ZERO_SPAN_ID) return `spanId "${span.spanId}" must be 8 non-zero bytes (16 hex characters)`;
  if (span.parentSpanId !== undefined && !isHexId(span.parentSpanId, HEX_SPAN_ID, 16, hexIds)) {
    return `parentSpanId "${span.parentSpanId}" must be 8 bytes (16 hex characters), or empty for a root span`;
  }
  for (const key of ['startTimeUnixNano', 'endTimeUnixNano'] as const) {
    const value = span[key];
    if (!/^\d{1,20}$/.test(value)) return `${key} "${value}" must be an unsigned integer of nanoseconds`;
    if (/^0+$/.test(value)) return `${key} is missing or 0; send the time in nanoseconds since the Unix epoch`;
    if (compareDecimal(value, LATEST_NANOS) > 0) return `${key} ${value} is after the latest time the trace record stores (${LATEST_NANOS} ns, in April 2262); send nanoseconds since the Unix epoch`;
  }
  if (compareDecimal(span.endTimeUnixNano, span.startTimeUnixNano) < 0) {
    return `endTimeUnixNano ${span.endTimeUnixNano} precedes startTimeUnixNano ${span.startTimeUnixNano}; a span must end at or after its start`;
  }
  return undefined;
}

/** Returns true when `id` matches `pattern`, or, for an id the decoder wrote as hex itself, when it has `length` characters. */
function isHexId(id: string, pattern: RegExp, length: number, hexIds: boolean): boolean {
  return hexIds ? id.length === length : pattern.test(id);
}

/** Compares two unsigned decimal integers given as digit strings, leading zeros allowed, without parsing them. */
export function compareDecimal(a: string, b: string): number {
  const x = withoutLeadingZeros(a);
  const y = withoutLeadingZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  if (x === y) return 0;
  return x < y ? -1 : 1;
}

function withoutLeadingZeros(digits: string): string {
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === 48) start += 1;
  return start === 0 ? digits : digits.slice(start);
}

/** An empty or all-zero parent id means the span is a root. */
export function parentOrUndefined(hex: string | undefined): string | undefined {
  return hex && hex !== ZERO_SPAN_ID ? hex : undefined;
}

/** Deepest nesting of AnyValue arrays and key-value lists in OTLP/JSON; the conversion recurses once per level. */
export const MAX_ATTRIBUTE_DEPTH = 32;

export function attributeTooDeep(path: string): MalformedPayloadError {
  return new MalformedPayloadError(`attribute value is nested more than ${MAX_ATTRIBUTE_DEPTH} levels deep; flatten it`, path);
}
