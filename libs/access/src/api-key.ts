import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PREFIX = 'est';

export interface GeneratedApiKey {
  keyId: string;
  /** The whole secret key; shown once to whoever created it and never stored. */
  key: string;
  keyHash: string;
}

/**
 * Issues a key `est_<keyId>_<secret>` with 256 bits of randomness in the
 * secret. Because the secret is random, a single SHA-256 is enough to store
 * it safely; slow password hashes defend low-entropy secrets and would only
 * add latency to every request.
 */
export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(12).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const key = `${KEY_PREFIX}_${keyId}_${secret}`;
  return { keyId, key, keyHash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Extracts the key id, or undefined when the value does not have the key format. */
export function parseKeyId(key: string): string | undefined {
  const match = /^est_([a-f0-9]{24})_[A-Za-z0-9_-]{20,}$/.exec(key);
  return match?.[1];
}

export function hashesMatch(expectedHex: string, key: string): boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  const actual = Buffer.from(hashApiKey(key), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
