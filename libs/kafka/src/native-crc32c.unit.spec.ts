import { randomBytes } from 'node:crypto';
import { KAFKAJS_CRC_MODULE, nativeCrc32c, useNativeCrc32c } from './native-crc32c';

const javascriptCrc32c: (buffer: Buffer) => number = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js');
const unsigned = (value: number): number => value >>> 0;

describe('native CRC-32C for kafkajs', () => {
  it('matches the JavaScript checksum', () => {
    for (const size of [0, 1, 7, 64, 4096, 6698, 100_000]) {
      const buffer = randomBytes(size);
      expect([size, nativeCrc32c(buffer)]).toEqual([size, unsigned(javascriptCrc32c(buffer))]);
    }
  });

  it('is what the batch encoder uses', async () => {
    expect(useNativeCrc32c()).toBe(true);
    expect(require(KAFKAJS_CRC_MODULE)).toBe(nativeCrc32c);

    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
    const Record = require('kafkajs/src/protocol/recordBatch/record/v0');
    const records = [0, 1, 2].map((offsetDelta) => Record({ offsetDelta, key: Buffer.from(`trace-${offsetDelta}`), value: randomBytes(2000) }));
    const encoder = await RecordBatch({ records, lastOffsetDelta: 2 });
    const bytes: Buffer = encoder.buffer;
    // First offset (8 bytes), batch length (4), leader epoch (4) and magic byte (1) come before the checksum.
    const checksum = bytes.readUInt32BE(17);
    expect(checksum).toBe(unsigned(javascriptCrc32c(bytes.subarray(21))));
  });

  it('declines once the encoder is loaded', () => {
    expect(useNativeCrc32c()).toBe(false);
  });
});
