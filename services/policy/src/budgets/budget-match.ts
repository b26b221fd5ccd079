import type { CostScope } from '@estate/contracts';
import type { BudgetState } from '@estate/policy-engine';

export interface StoredBudgetState {
  budgetId: string;
  scope: CostScope;
  state: 'ok' | 'soft_limit' | 'hard_limit';
}

/** The decision's values for the dimensions a budget scope can name. */
export type DecisionDimensions = Partial<Record<keyof CostScope, string>>;

const RANK: Record<StoredBudgetState['state'], number> = { ok: 0, soft_limit: 1, hard_limit: 2 };
const AS_DECISION_STATE: Record<StoredBudgetState['state'], BudgetState> = { ok: 'ok', soft_limit: 'warning', hard_limit: 'exceeded' };

/**
 * Returns the worst state among budgets whose scope matches the decision,
 * or undefined when none does. A budget applies only when every dimension
 * its scope names equals the decision's value, so a budget scoped on a
 * dimension the decision does not know (a workflow, a product) never applies.
 * NOTE: run budgets are matched like calendar ones, so one run at its hard
 * limit affects every decision in its scope until its state changes back.
 */
export function budgetStateFor(budgets: readonly StoredBudgetState[], decision: DecisionDimensions): BudgetState | undefined {
  let worst: StoredBudgetState['state'] | undefined;
  for (const budget of budgets) {
    const named = Object.entries(budget.scope).filter(([, value]) => value !== undefined && value !== null);
    if (named.length === 0) continue;
    if (!named.every(([dimension, value]) => decision[dimension as keyof CostScope] === value)) continue;
    if (worst === undefined || RANK[budget.state] > RANK[worst]) worst = budget.state;
  }
  return worst === undefined ? undefined : AS_DECISION_STATE[worst];
}
