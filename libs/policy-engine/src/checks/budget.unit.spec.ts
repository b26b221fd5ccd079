import { resolveBudgetState } from './budget';

describe('resolveBudgetState', () => {
  it('keeps the ledger state when looser', () => {
    expect(resolveBudgetState('ok', 'exceeded')).toBe('exceeded');
    expect(resolveBudgetState('warning', 'exceeded')).toBe('exceeded');
    expect(resolveBudgetState('unknown', 'warning')).toBe('warning');
    expect(resolveBudgetState('not-a-state', 'exceeded')).toBe('exceeded');
  });

  it('lets the caller tighten the state', () => {
    expect(resolveBudgetState('exceeded', 'ok')).toBe('exceeded');
    expect(resolveBudgetState('warning', undefined)).toBe('warning');
    expect(resolveBudgetState(undefined, 'ok')).toBe('ok');
    expect(resolveBudgetState(undefined, undefined)).toBe('unknown');
  });
});
