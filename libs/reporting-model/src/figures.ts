/** Decimal strings carry money (USD) so no figure passes through a binary float. */
export type DecimalString = string;

/** One workflow's joined figures over a report period. */
export interface WorkflowFigures {
  workflow: string;
  /** The owning team registered in the inventory for the workflow asset of this name, or null. */
  owner: string | null;
  /** Requests: traces whose root carries this workflow, not model calls (the cost ledger counts those). */
  calls: number;
  errors: number;
  /** errors / calls, 0 when there were no calls. */
  errorRate: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  tokens: number;
  cost: DecimalString;
  unpricedCalls: number;
  decisions: { allow: number; deny: number; requireApproval: number };
  approvals: { waiting: number; decided: number };
  openExceptionWindows: number;
  ungatedSensitiveReachPaths: number;
  spendSignals: number;
}

/** A measured share: how many of how many, never a guess. `share` is null when nothing was measured. */
export interface Coverage {
  numerator: number;
  denominator: number;
  share: number | null;
}

export function coverage(numerator: number, denominator: number): Coverage {
  return { numerator, denominator, share: denominator === 0 ? null : numerator / denominator };
}

export interface Period {
  from: string;
  to: string;
}
