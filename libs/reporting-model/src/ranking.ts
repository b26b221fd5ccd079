import { DecimalString, WorkflowFigures } from './figures';

/**
 * Weights of the risk score, chosen so that exposure outranks friction: an
 * ungated path to sensitive data counts most, then denials and exception
 * windows in use, then waiting approvals and spend signals; errors add up to
 * the error rate in percent divided by ten.
 */
export const RISK_WEIGHTS = {
  ungatedSensitiveReachPath: 5,
  deny: 2,
  openExceptionWindow: 2,
  waitingApproval: 1,
  spendSignal: 1,
  errorRatePercentDivisor: 10,
} as const;

export interface RiskScore {
  workflow: string;
  score: number;
  /** The figures that produced the score, so a reader can check it. */
  because: string[];
}

export function riskScore(f: WorkflowFigures): RiskScore {
  const w = RISK_WEIGHTS;
  const parts: Array<[number, string]> = [
    [f.ungatedSensitiveReachPaths * w.ungatedSensitiveReachPath, `${f.ungatedSensitiveReachPaths} ungated path(s) to sensitive data`],
    [f.decisions.deny * w.deny, `${f.decisions.deny} denied decision(s)`],
    [f.openExceptionWindows * w.openExceptionWindow, `${f.openExceptionWindows} open exception window(s) in use`],
    [f.approvals.waiting * w.waitingApproval, `${f.approvals.waiting} approval(s) waiting`],
    [f.spendSignals * w.spendSignal, `${f.spendSignals} spend signal(s)`],
    [(f.errorRate * 100) / w.errorRatePercentDivisor, `${(f.errorRate * 100).toFixed(1)}% errors`],
  ];
  const score = parts.reduce((sum, [points]) => sum + points, 0);
  return { workflow: f.workflow, score: Math.round(score * 100) / 100, because: parts.filter(([points]) => points > 0).map(([, why]) => why) };
}

/** Orders decimal strings exactly, without converting them to binary floats. */
export function compareDecimal(a: DecimalString, b: DecimalString): number {
  const [ai, af = ''] = a.replace(/^-/, '').split('.');
  const [bi, bf = ''] = b.replace(/^-/, '').split('.');
  const negA = a.startsWith('-');
  const negB = b.startsWith('-');
  if (negA !== negB) return negA ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const left = BigInt(ai + af.padEnd(width, '0'));
  const right = BigInt(bi + bf.padEnd(width, '0'));
  const order = left === right ? 0 : left < right ? -1 : 1;
  return negA ? -order : order;
}

/** The `limit` riskiest workflows with a positive score, riskiest first, ties by name. */
export function riskiest(figures: WorkflowFigures[], limit: number): RiskScore[] {
  return figures
    .map(riskScore)
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.workflow.localeCompare(b.workflow))
    .slice(0, limit);
}

/** The `limit` costliest workflows with a cost above zero, costliest first, ties by name. */
export function costliest(figures: WorkflowFigures[], limit: number): Array<{ workflow: string; cost: DecimalString; tokens: number }> {
  return figures
    .filter((f) => compareDecimal(f.cost, '0') > 0)
    .sort((a, b) => compareDecimal(b.cost, a.cost) || a.workflow.localeCompare(b.workflow))
    .slice(0, limit)
    .map((f) => ({ workflow: f.workflow, cost: f.cost, tokens: f.tokens }));
}
