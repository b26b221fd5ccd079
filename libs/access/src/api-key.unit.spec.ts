import { generateApiKey, hashesMatch, parseKeyId } from './api-key';

describe('API keys', () => {
  it('parses the key id of a generated key and matches its hash', () => {
    const generated = generateApiKey();
    expect(parseKeyId(generated.key)).toBe(generated.keyId);
    expect(hashesMatch(generated.keyHash, generated.key)).toBe(true);
  });

  it('rejects a key whose secret differs', () => {
    const generated = generateApiKey();
    const tampered = generated.key.slice(0, -1) + (generated.key.endsWith('A') ? 'B' : 'A');
    expect(hashesMatch(generated.keyHash, tampered)).toBe(false);
  });

  it('rejects values without the key format', () => {
    expect(parseKeyId('Bearer abc')).toBeUndefined();
    expect(parseKeyId('est_short_x')).toBeUndefined();
  });
});
