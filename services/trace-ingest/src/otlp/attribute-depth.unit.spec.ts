import { decodeJsonRequest } from './decode-json';
import { decodeProtobufRequest } from './decode-protobuf';
import { MalformedPayloadError, MAX_ATTRIBUTE_DEPTH } from './decoded';
import { ExportTraceServiceRequest } from './otlp-schema';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

/** Builds a kvlist AnyValue nested `levels` deep around one string. */
function nestedValue(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { stringValue: 'leaf' };
  for (let i = 0; i < levels; i++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
  return value;
}

function jsonRequest(value: Record<string, unknown>) {
  return {
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: SPAN_ID, name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: [{ key: 'deep', value }] }] }] }],
  };
}

/** Encodes without fromObject, whose own depth check would stop the value before the receiver decodes it. */
function protobufRequest(value: Record<string, unknown>): Uint8Array {
  const request = {
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.from(TRACE_ID, 'hex'), spanId: Buffer.from(SPAN_ID, 'hex'), name: 'x', startTimeUnixNano: 1, endTimeUnixNano: 2, attributes: [{ key: 'deep', value }] }] }] }],
  };
  return ExportTraceServiceRequest.encode(request as never).finish();
}

describe('attribute nesting limit', () => {
  // Protobuf bodies need no check of their own: protobufjs refuses messages nested past 100 levels
  // (three per key-value list level), and the receiver reports that as a malformed body.
  it('keeps values nested up to the limit', () => {
    expect(decodeJsonRequest(jsonRequest(nestedValue(MAX_ATTRIBUTE_DEPTH))).spans).toHaveLength(1);
    expect(decodeProtobufRequest(protobufRequest(nestedValue(25))).spans).toHaveLength(1);
  });

  it('rejects deeper values as malformed, with the path, instead of overflowing the stack', () => {
    for (const levels of [MAX_ATTRIBUTE_DEPTH + 1, 3000]) {
      expect(() => decodeJsonRequest(jsonRequest(nestedValue(levels)))).toThrow(MalformedPayloadError);
      expect(() => decodeJsonRequest(jsonRequest(nestedValue(levels)))).toThrow(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.attributes\[0\]\.value.*nested more than 32 levels deep/);
    }
  });
});
