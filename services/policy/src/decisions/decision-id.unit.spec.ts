import { newDecisionId } from './decision-id';

describe('newDecisionId', () => {
  it('formats a version 7 UUID', () => {
    for (let i = 0; i < 2000; i++) {
      expect(newDecisionId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('carries the time in its first 48 bits', () => {
    const id = newDecisionId(0x018f_3a2b_4c5d);
    expect(id.slice(0, 13)).toBe('018f3a2b-4c5d');
  });

  it('sorts by millisecond', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((ms) => newDecisionId(ms));
    expect([...ids].sort()).toEqual(ids);
  });

  it('does not repeat across pool refills', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => newDecisionId(1_700_000_000_000)));
    expect(ids.size).toBe(5000);
  });
});
