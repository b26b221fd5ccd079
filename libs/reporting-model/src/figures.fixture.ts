import { WorkflowFigures } from './figures';

/** Builds a quiet workflow's figures, with `over` replacing any of them. */
export function figures(workflow: string, over: Partial<WorkflowFigures> = {}): WorkflowFigures {
  return {
    workflow, owner: null, calls: 10, errors: 0, errorRate: 0, latencyMs: { p50: 100, p95: 200, p99: 300 }, tokens: 1000, cost: '1.5',
    unpricedCalls: 0, decisions: { allow: 5, deny: 0, requireApproval: 0 }, approvals: { waiting: 0, decided: 0 }, openExceptionWindows: 0,
    ungatedSensitiveReachPaths: 0, spendSignals: 0, ...over,
  };
}
