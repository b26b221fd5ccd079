/**
 * An attribute value as OTLP carries it once decoded: scalars, arrays and
 * key-value lists. 64-bit integers beyond 2^53 stay decimal strings so no
 * digit is lost; bytes become base64 strings.
 */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

/**
 * Sets one attribute as an own property. A plain assignment to `__proto__`
 * would replace the object's prototype (or drop a scalar value) instead of
 * storing the attribute.
 */
export function setAttribute(attributes: Attributes | { [key: string]: AttributeValue }, key: string, value: AttributeValue): void {
  if (key === '__proto__') Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  else attributes[key] = value;
}

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
