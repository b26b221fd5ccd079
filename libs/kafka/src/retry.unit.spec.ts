import { backoffDelay, withRetry } from './retry';

const policy = { retries: 3, initialDelayMs: 1, maxDelayMs: 4 };

describe('withRetry', () => {
  it('retries retryable errors up to the limit', async () => {
    let attempts = 0;
    const retried: number[] = [];
    await expect(
      withRetry(async () => { attempts++; throw new Error('busy'); }, () => true, policy, (_e, attempt) => retried.push(attempt)),
    ).rejects.toThrow('busy');
    expect(attempts).toBe(4);
    expect(retried).toEqual([1, 2, 3]);
  });

  it('does not retry an error that cannot succeed later', async () => {
    let attempts = 0;
    await expect(withRetry(async () => { attempts++; throw new Error('invalid'); }, () => false, policy)).rejects.toThrow('invalid');
    expect(attempts).toBe(1);
  });

  it('returns the first success', async () => {
    let attempts = 0;
    const value = await withRetry(async () => { attempts++; if (attempts < 3) throw new Error('busy'); return 'ok'; }, () => true, policy);
    expect(value).toBe('ok');
  });

  it('caps the backoff delay', () => {
    expect(backoffDelay({ retries: 9, initialDelayMs: 100, maxDelayMs: 1000 }, 8, () => 1)).toBe(1000);
    expect(backoffDelay({ retries: 9, initialDelayMs: 100, maxDelayMs: 1000 }, 1, () => 0)).toBe(50);
  });
});
