import { WorkflowFigures } from '../figures';

export const WORKFLOW_CSV_COLUMNS = [
  'workflow', 'owner', 'calls', 'errors', 'error_rate', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms', 'tokens', 'cost_usd',
  'unpriced_calls', 'decisions_allow', 'decisions_deny', 'decisions_require_approval', 'approvals_waiting', 'approvals_decided',
  'open_exception_windows', 'ungated_sensitive_reach_paths', 'spend_signals',
] as const;

/** Quotes a field per RFC 4180 when it contains a comma, quote or line break. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const round = (n: number | null, digits: number) => (n === null ? null : Number(n.toFixed(digits)));

/** One row per workflow with every joined figure, CRLF line ends as RFC 4180 asks. */
export function workflowsToCsv(workflows: WorkflowFigures[]): string {
  const rows = workflows.map((f) => [
    f.workflow, f.owner, f.calls, f.errors, round(f.errorRate, 4), round(f.latencyMs.p50, 1), round(f.latencyMs.p95, 1), round(f.latencyMs.p99, 1),
    f.tokens, f.cost, f.unpricedCalls, f.decisions.allow, f.decisions.deny, f.decisions.requireApproval, f.approvals.waiting,
    f.approvals.decided, f.openExceptionWindows, f.ungatedSensitiveReachPaths, f.spendSignals,
  ]);
  return [WORKFLOW_CSV_COLUMNS as readonly unknown[], ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
