import { decodeProtobufRequest } from './decode-protobuf';
import { compareDecimal, MalformedPayloadError } from './decoded';
import { ExportTraceServiceRequest } from './otlp-schema';

function problemOf(body: Uint8Array): MalformedPayloadError {
  try {
    decodeProtobufRequest(body);
  } catch (error) {
    return error as MalformedPayloadError;
  }
  throw new Error('expected a MalformedPayloadError, but the body decoded');
}

describe('protobuf decode errors', () => {
  it('names where a cut-off body ends', () => {
    // Field 1 (resourceSpans), length-delimited, announcing 10 bytes of which 2 arrive.
    const problem = problemOf(Uint8Array.from([0x0a, 0x0a, 0x01, 0x02]));
    expect(problem).toBeInstanceOf(MalformedPayloadError);
    expect(problem.path).toBe('body');
    expect(problem.message).toContain('the body ends early: a field runs past the end of the 4-byte body');
  });

  it('names a byte with an undefined wire type', () => {
    const problem = problemOf(Uint8Array.from([0x7f]));
    expect(problem.path).toBe('body[1]');
    expect(problem.message).toContain('wire type 7');
  });
});

describe('protobuf span times', () => {
  const body = (start: string, end: string) =>
    ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'chat', startTimeUnixNano: start, endTimeUnixNano: end }] }] }],
      }),
    ).finish();

  it('keeps fixed64 times exact', () => {
    const batch = decodeProtobufRequest(body('1760000000123456789', '9223372036854775807'));

    expect(batch.rejected).toEqual([]);
    expect(batch.spans[0].startTimeUnixNano).toBe('1760000000123456789');
    expect(batch.spans[0].endTimeUnixNano).toBe('9223372036854775807');
  });

  it('rejects an end before start', () => {
    const batch = decodeProtobufRequest(body('1760000000000000001', '1760000000000000000'));

    expect(batch.spans).toEqual([]);
    expect(batch.rejected[0].reason).toContain('precedes startTimeUnixNano');
  });
});

describe('protobuf span identity', () => {
  const body = (span: object) =>
    ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'chat', startTimeUnixNano: '5', endTimeUnixNano: '6', ...span }] }] }],
      }),
    ).finish();

  it('rejects a short parent id', () => {
    const batch = decodeProtobufRequest(body({ parentSpanId: Buffer.from([1, 2, 3]) }));

    expect(batch.spans).toEqual([]);
    expect(batch.rejected).toEqual([{ path: 'resourceSpans[0].scopeSpans[0].spans[0]', reason: expect.stringContaining('parentSpanId "010203" must be 8 bytes') }]);
  });

  it('rejects a missing start time', () => {
    const batch = decodeProtobufRequest(body({ startTimeUnixNano: undefined }));

    expect(batch.spans).toEqual([]);
    expect(batch.rejected[0].reason).toContain('startTimeUnixNano is missing or 0');
  });

  it.each(['9223372036854775808', '18446744073709551615'])('rejects end time %s', (end) => {
    const batch = decodeProtobufRequest(body({ endTimeUnixNano: end }));

    expect(batch.spans).toEqual([]);
    expect(batch.rejected[0].reason).toContain(`endTimeUnixNano ${end} is after the latest time`);
  });

  it('keeps an all-zero parent as root', () => {
    const batch = decodeProtobufRequest(body({ parentSpanId: Buffer.alloc(8) }));

    expect(batch.rejected).toEqual([]);
    expect(batch.spans[0].parentSpanId).toBeUndefined();
  });
});

describe('decimal comparison', () => {
  it.each([
    ['9', '10', -1],
    ['10', '9', 1],
    ['0010', '9', 1],
    ['000', '0', 0],
    ['1760000000000000000', '1760000000000000001', -1],
    ['18446744073709551615', '18446744073709551614', 1],
  ])('compares %s with %s', (a, b, expected) => {
    expect(compareDecimal(a, b)).toBe(expected);
  });
});

describe('protobuf attribute keys', () => {
  it('keeps a __proto__ key as data', () => {
    const body = ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({
        resourceSpans: [{
          scopeSpans: [{
            spans: [{
              traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'chat', startTimeUnixNano: '1', endTimeUnixNano: '2',
              attributes: [{ key: '__proto__', value: { kvlistValue: { values: [{ key: 'polluted', value: { stringValue: 'yes' } }] } } }],
            }],
          }],
        }],
      }),
    ).finish();

    const attributes = decodeProtobufRequest(body).spans[0].attributes;

    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.keys(attributes)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(attributes))).toEqual(JSON.parse('{"__proto__":{"polluted":"yes"}}'));
  });
});
