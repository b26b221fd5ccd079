/** Budget states the cost ledger reports; `unknown` when no state is cached or given. */
export const BUDGET_STATES = ['ok', 'warning', 'exceeded', 'unknown'] as const;
export type BudgetState = (typeof BUDGET_STATES)[number];

/** How much each state restricts; `unknown` carries no information, so any known state outranks it. */
const SEVERITY: Record<BudgetState, number> = { unknown: -1, ok: 0, warning: 1, exceeded: 2 };

/**
 * Picks the budget state a decision uses: the more severe of the request's
 * own value and the state cached from the cost ledger. A caller may know of
 * spend the cache has not seen yet, so it can tighten the state, but it can
 * never loosen what the ledger reports.
 */
export function resolveBudgetState(fromRequest: string | undefined, cached: BudgetState | undefined): BudgetState {
  const requested = fromRequest && (BUDGET_STATES as readonly string[]).includes(fromRequest) ? (fromRequest as BudgetState) : 'unknown';
  const known = cached ?? 'unknown';
  return SEVERITY[requested] >= SEVERITY[known] ? requested : known;
}
