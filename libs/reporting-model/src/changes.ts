import { DecimalString, WorkflowFigures } from './figures';
import { compareDecimal } from './ranking';

export interface WorkflowChange {
  workflow: string;
  kind: 'new' | 'gone' | 'changed';
  calls: { before: number; after: number };
  errorRate: { before: number; after: number };
  cost: { before: DecimalString; after: DecimalString };
  denials: { before: number; after: number };
}

/** Relative change that makes a workflow worth a line in "what changed": calls, cost or denials moved by a quarter or more. */
export const CHANGE_THRESHOLD = 0.25;
/** Error-rate change, in absolute percentage points divided by 100, that makes a workflow worth a line. */
export const ERROR_RATE_THRESHOLD = 0.05;
/** Rates are binary floats, so 0.06 - 0.01 falls just short of 0.05; comparisons allow this much slack. */
export const RATE_TOLERANCE = 1e-9;

const moved = (before: number, after: number) => (before === 0 ? after > 0 : Math.abs(after - before) / before >= CHANGE_THRESHOLD);

function costMoved(before: DecimalString, after: DecimalString): boolean {
  const b = Number(before);
  const a = Number(after);
  // A ratio is enough to decide whether to show a line; the figures shown stay exact strings.
  return b === 0 ? compareDecimal(after, '0') > 0 : Math.abs(a - b) / b >= CHANGE_THRESHOLD;
}

/** Compares two periods' figures per workflow and returns new, gone and materially changed workflows, sorted by name. */
export function changesBetween(previous: WorkflowFigures[], current: WorkflowFigures[]): WorkflowChange[] {
  const before = new Map(previous.map((f) => [f.workflow, f]));
  const after = new Map(current.map((f) => [f.workflow, f]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: WorkflowChange[] = [];
  for (const name of names) {
    const b = before.get(name);
    const a = after.get(name);
    const change: WorkflowChange = {
      workflow: name,
      kind: !b ? 'new' : !a ? 'gone' : 'changed',
      calls: { before: b?.calls ?? 0, after: a?.calls ?? 0 },
      errorRate: { before: b?.errorRate ?? 0, after: a?.errorRate ?? 0 },
      cost: { before: b?.cost ?? '0', after: a?.cost ?? '0' },
      denials: { before: b?.decisions.deny ?? 0, after: a?.decisions.deny ?? 0 },
    };
    const material =
      change.kind !== 'changed' ||
      moved(change.calls.before, change.calls.after) ||
      Math.abs(change.errorRate.after - change.errorRate.before) >= ERROR_RATE_THRESHOLD - RATE_TOLERANCE ||
      costMoved(change.cost.before, change.cost.after) ||
      moved(change.denials.before, change.denials.after);
    if (material) changes.push(change);
  }
  return changes;
}
