/** Budget states the cost ledger reports; `unknown` when no state is cached or given. */
export const BUDGET_STATES = ['ok', 'warning', 'exceeded', 'unknown'] as const;
export type BudgetState = (typeof BUDGET_STATES)[number];

/**
 * Picks the budget state a decision uses: the request's own value when it
 * sends one (the caller may be fresher than our cache), else the cached state.
 */
export function resolveBudgetState(fromRequest: string | undefined, cached: BudgetState | undefined): BudgetState {
  if (fromRequest && (BUDGET_STATES as readonly string[]).includes(fromRequest)) return fromRequest as BudgetState;
  return cached ?? 'unknown';
}
