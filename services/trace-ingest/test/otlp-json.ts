import { randomBytes } from 'node:crypto';

/** Builders for OTLP/JSON requests in tests: hex ids, nanosecond strings, typed attribute values. */
export const newTraceId = () => randomBytes(16).toString('hex');
export const newSpanId = () => randomBytes(8).toString('hex');

export type PlainAttributes = Record<string, string | number | boolean>;

export interface TestSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startNs: bigint;
  endNs: bigint;
  attributes?: PlainAttributes;
  status?: number;
}

export function attributeList(attributes: PlainAttributes) {
  return Object.entries(attributes).map(([key, value]) => ({
    key,
    value: typeof value === 'string' ? { stringValue: value } : typeof value === 'boolean' ? { boolValue: value } : Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value },
  }));
}

export function otlpJsonRequest(spans: TestSpan[], resource: PlainAttributes = { 'service.name': 'checkout' }) {
  return {
    resourceSpans: [
      {
        resource: { attributes: attributeList(resource) },
        scopeSpans: [
          {
            scope: { name: 'estate-test' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: s.kind ?? 1,
              startTimeUnixNano: s.startNs.toString(),
              endTimeUnixNano: s.endNs.toString(),
              attributes: attributeList(s.attributes ?? {}),
              status: { code: s.status ?? 0 },
            })),
          },
        ],
      },
    ],
  };
}
