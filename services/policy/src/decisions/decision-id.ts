import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const ID_RANDOM_BYTES = 10;
const POOL_IDS = 512;
const pool = Buffer.alloc(ID_RANDOM_BYTES * POOL_IDS);
let offset = pool.length;

/**
 * Returns a new UUID version 7 (RFC 9562): 48 bits of Unix time in
 * milliseconds, then 74 random bits, so ids sort by creation time. Random
 * bytes are drawn from the operating system 512 ids at a time, which makes
 * an id cost well under a microsecond; uuid's v7 refills its pool every 16.
 * Ids made in the same millisecond are unordered among themselves.
 */
export function newDecisionId(now = Date.now()): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const b = offset;
  offset += ID_RANDOM_BYTES;
  const time = now.toString(16).padStart(12, '0');
  return (
    `${time.slice(0, 8)}-${time.slice(8, 12)}-` +
    `7${HEX[pool[b] & 0x0f][1]}${HEX[pool[b + 1]]}-` +
    `${HEX[(pool[b + 2] & 0x3f) | 0x80]}${HEX[pool[b + 3]]}-` +
    `${HEX[pool[b + 4]]}${HEX[pool[b + 5]]}${HEX[pool[b + 6]]}${HEX[pool[b + 7]]}${HEX[pool[b + 8]]}${HEX[pool[b + 9]]}`
  );
}
