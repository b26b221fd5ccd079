import type { DecisionOutcome } from '@estate/contracts';
import { PolicyMeta } from './bundle';
import { CheckVerdict } from './checks';
import { Evaluation } from './engine';

/** An open exception window, already matched against the request's scope. */
export interface OpenWindow {
  windowId: string;
  policyIds: readonly string[];
}

export interface ApprovalPathSpec {
  roles: string[];
  required: number;
  expiresInSeconds: number;
}

export interface ResolvedOutcome {
  outcome: DecisionOutcome;
  determining: string[];
  reasons: string[];
  exceptionWindowIds: string[];
  /** Permit policies whose `@obligation` the caller must honour on allow. */
  obligationPolicies: string[];
  grantApprovalId?: string;
  approvalPath?: ApprovalPathSpec;
}

/** What resolving needs beyond the first evaluation; the decision point supplies it lazily. */
export interface OutcomeLookups {
  /** Windows open now for this request's scope. Only asked when something blocks. */
  openWindows(): Promise<OpenWindow[]>;
  /**
   * A grant matching the request exactly whose approval path satisfies
   * `required` (see grantPathSatisfies); only asked when approval gates alone block.
   */
  findGrant(required: ApprovalPathSpec): Promise<string | undefined>;
  /** Evaluates again without the given policies. */
  reevaluate(excluded: string[]): Evaluation;
}

/**
 * Turns Cedar's allow or deny into allow, deny or require_approval:
 * 1. A forbid that failed to evaluate counts as satisfied (fail closed).
 * 2. Blockers are satisfied forbids plus runtime check verdicts; open
 *    exception windows lift the blockers they name.
 * 3. A remaining blocker without `@approvers` denies.
 * 4. Otherwise the request is evaluated again without the lifted and gated
 *    forbids: with no permit left it is denied; with only gates left it
 *    needs approval, unless a matching grant exists.
 */
export async function resolveOutcome(
  first: Evaluation,
  verdicts: readonly CheckVerdict[],
  meta: ReadonlyMap<string, PolicyMeta>,
  lookups: OutcomeLookups,
): Promise<ResolvedOutcome> {
  const erroredForbids = first.errors.filter((e) => meta.get(e.policyId)?.effect === 'forbid').map((e) => e.policyId);
  const forbids = first.decision === 'deny' ? [...first.determining, ...erroredForbids] : erroredForbids;
  const blockers = [...new Set([...forbids, ...verdicts.map((v) => v.checkId)])];
  const verdictReason = new Map(verdicts.map((v) => [v.checkId, v.reason]));
  const reasonOf = (id: string) => verdictReason.get(id) ?? meta.get(id)?.reason ?? id;
  const errorNotes = first.errors.map((e) => `policy ${e.policyId} failed to evaluate: ${e.message}`);

  if (blockers.length === 0) {
    if (first.decision === 'deny') {
      return deny(['no-permit'], ['no policy permits this request', ...errorNotes]);
    }
    return allow(first.determining, first.determining.map(reasonOf), meta);
  }

  const windows = await lookups.openWindows();
  const lifted = new Map<string, string>();
  for (const window of windows) {
    for (const id of window.policyIds) if (blockers.includes(id) && !lifted.has(id)) lifted.set(id, window.windowId);
  }
  const remaining = blockers.filter((id) => !lifted.has(id));
  const exceptionWindowIds = [...new Set(lifted.values())];
  const hard = remaining.filter((id) => !meta.get(id)?.approvers);
  if (hard.length > 0) {
    return { ...deny(hard, [...hard.map(reasonOf), ...errorNotes]), exceptionWindowIds };
  }

  const gates = remaining;
  const second = forbids.length === 0 ? first : lookups.reevaluate(forbids);
  if (second.decision === 'deny') {
    const determining = second.determining.length > 0 ? second.determining : ['no-permit'];
    return { ...deny(determining, ['no policy permits this request once the approval gates are set aside']), exceptionWindowIds };
  }
  if (gates.length === 0) {
    const lifts = [...lifted.keys()].map((id) => `exempted from ${id} by exception window ${lifted.get(id)}`);
    return { ...allow(second.determining, [...second.determining.map(reasonOf), ...lifts], meta), exceptionWindowIds };
  }

  const approvalPath = approvalPathOf(gates, meta);
  const grantApprovalId = await lookups.findGrant(approvalPath);
  if (grantApprovalId) {
    const reasons = [...second.determining.map(reasonOf), `approval ${grantApprovalId} granted exactly this request`];
    return { ...allow(second.determining, reasons, meta), exceptionWindowIds, grantApprovalId };
  }
  return {
    outcome: 'require_approval',
    determining: gates,
    reasons: gates.map(reasonOf),
    exceptionWindowIds,
    obligationPolicies: [],
    approvalPath,
  };
}

/** The approval path a grant was decided under, as the approvals service enforced it. */
export interface GrantPath {
  roles: readonly string[];
  teams?: readonly string[];
  required: number;
}

/**
 * Whether a grant may lift gates whose combined path is `gate`. The approvals
 * service only lets roles on the grant's path vote (and admin), so the grant
 * is as strong as the gate when every role or team on its path is one the
 * gate names and its quorum is at least the gate's. A path naming no role or
 * team can only be approved by admin, which may approve anything.
 */
export function grantPathSatisfies(grant: GrantPath, gate: Pick<ApprovalPathSpec, 'roles' | 'required'>): boolean {
  const allowed = new Set(gate.roles);
  const named = [...grant.roles, ...(grant.teams ?? [])];
  return named.every((name) => allowed.has(name)) && grant.required >= gate.required;
}

function allow(determining: string[], reasons: string[], meta: ReadonlyMap<string, PolicyMeta>): ResolvedOutcome {
  const obligationPolicies = determining.filter((id) => meta.get(id)?.obligation);
  return { outcome: 'allow', determining, reasons, exceptionWindowIds: [], obligationPolicies };
}

function deny(determining: string[], reasons: string[]): ResolvedOutcome {
  return { outcome: 'deny', determining, reasons, exceptionWindowIds: [], obligationPolicies: [] };
}

/** Several gates at once: every named role may approve, the largest quorum and the shortest expiry apply. */
function approvalPathOf(gates: string[], meta: ReadonlyMap<string, PolicyMeta>): ApprovalPathSpec {
  const specs = gates.map((id) => meta.get(id) as PolicyMeta);
  return {
    roles: [...new Set(specs.flatMap((m) => m.approvers ?? []))].sort(),
    required: Math.max(...specs.map((m) => m.quorum ?? 1)),
    expiresInSeconds: Math.min(...specs.map((m) => m.approvalTtlSeconds ?? 3600)),
  };
}
