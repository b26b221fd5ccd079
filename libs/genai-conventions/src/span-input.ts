/**
 * An attribute value as OTLP carries it once decoded: scalars, arrays and
 * key-value lists. 64-bit integers beyond 2^53 stay decimal strings so no
 * digit is lost; bytes become base64 strings.
 */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export interface SpanEventInput {
  name: string;
  timeUnixNano: string;
  attributes: Attributes;
}

/**
 * One span as every decoder (OTLP protobuf, OTLP JSON, the file importers)
 * hands it to normalisation: ids in lowercase hex, times as exact nanosecond
 * decimal strings, attributes flattened to plain values.
 */
export interface SpanInput {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage?: string;
  attributes: Attributes;
  events: SpanEventInput[];
  resource: Attributes;
  scope?: { name: string; version?: string };
}
