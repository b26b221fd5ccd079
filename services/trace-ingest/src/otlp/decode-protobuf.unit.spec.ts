import { decodeProtobufRequest } from './decode-protobuf';
import { MalformedPayloadError } from './decoded';

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
