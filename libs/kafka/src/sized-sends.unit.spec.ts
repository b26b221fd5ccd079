import { MAX_SEND_BYTES, RecordTooLargeError, sizedSends } from './kafka-bus';
import { MAX_DEAD_LETTER_COPY_BYTES, toDeadLetter } from './dead-letter-publisher';
import type { OutboundRecord } from './types';

const record = (n: number, bytes: number): OutboundRecord => ({ topic: 'estate.test', key: `k${n}`, value: Buffer.alloc(bytes, 97) });

describe('sends bounded by size', () => {
  it('keeps small records in one send', () => {
    const records = [1, 2, 3].map((n) => record(n, 100));
    expect(sizedSends(records)).toEqual([records]);
  });

  it('splits in order below the limit', () => {
    const records = Array.from({ length: 7 }, (_, n) => record(n, 300 * 1024));
    const sends = sizedSends(records);
    expect(sends.map((s) => s.length)).toEqual([3, 3, 1]);
    expect(sends.flat()).toEqual(records);
    for (const send of sends) expect(send.reduce((sum, r) => sum + (r.value as Buffer).length, 0)).toBeLessThanOrEqual(MAX_SEND_BYTES);
  });

  it('rejects an oversized record early', () => {
    expect(() => sizedSends([record(1, 10), record(2, MAX_SEND_BYTES)])).toThrow(RecordTooLargeError);
  });
});

describe('dead-letter copies', () => {
  const inbound = (bytes: number) => ({ topic: 'estate.test', partition: 2, offset: '41', key: Buffer.from('k'), value: Buffer.alloc(bytes, 98), headers: {}, timestamp: 0 });
  const reason = { code: 'apply_failed', reason: 'test', retryable: false };

  it('copies a value within the limit', () => {
    const letter = toDeadLetter(inbound(10), 'test', reason, new Date(0));
    expect(Buffer.from(letter.originalValueBase64!, 'base64').length).toBe(10);
    expect(letter.originalValueBytes).toBe(10);
  });

  it('leaves out a value over the limit', () => {
    const letter = toDeadLetter(inbound(MAX_DEAD_LETTER_COPY_BYTES + 1), 'test', reason, new Date(0));
    expect(letter.originalValueBase64).toBeNull();
    expect(letter.originalValueBytes).toBe(MAX_DEAD_LETTER_COPY_BYTES + 1);
    expect(letter.sourceOffset).toBe('41');
  });
});
