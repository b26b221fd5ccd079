import { crc32c } from '@node-rs/crc32';

/** The kafkajs module that every produced record batch's CRC-32C comes from. */
export const KAFKAJS_CRC_MODULE = 'kafkajs/src/protocol/recordBatch/crc32C/index.js';

/** The checksum kafkajs uses once installed: an unsigned 32-bit CRC-32C, as kafkajs's own returns. */
export const nativeCrc32c = (buffer: Buffer): number => crc32c(buffer);

/**
 * Makes kafkajs compute record batch checksums with @node-rs/crc32's native
 * CRC-32C in place of its table-driven JavaScript one, which took about 15 µs
 * for a 6.7 KB record here against about 1.3 µs native. It replaces the
 * module's exports in Node's module cache, so it must run before kafkajs
 * loads its record batch encoder, which kafkajs does on the first produce
 * request. Returns false, changing nothing, when that encoder is already
 * loaded or the module path no longer exists in the installed kafkajs.
 */
export function useNativeCrc32c(): boolean {
  let path: string;
  try {
    path = require.resolve(KAFKAJS_CRC_MODULE);
  } catch {
    return false;
  }
  const encoderPath = require.resolve('kafkajs/src/protocol/recordBatch/v0/index.js');
  if (require.cache[encoderPath]) return false;
  require(path);
  const cached = require.cache[path];
  if (!cached) return false;
  cached.exports = nativeCrc32c;
  return true;
}
