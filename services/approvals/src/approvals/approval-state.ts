import { ApprovalPath, ROLES } from '@estate/contracts';
import { AppError } from '@estate/service-kit';

export const APPROVAL_STATES = ['pending', 'granted', 'denied', 'cancelled', 'expired'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

/** An approval as stored, with the fields commands decide on. */
export interface ApprovalRow {
  tenant_id: string;
  approval_id: string;
  state: ApprovalState;
  version: number;
  decision_id: string | null;
  trace_id: string | null;
  span_id: string | null;
  scope: Record<string, unknown>;
  path: { roles: string[]; teams?: string[]; required: number };
  context_snapshot: Record<string, unknown>;
  reasons: string[];
  requested_by: string;
  requested_by_key_id: string | null;
  requested_at: Date;
  expires_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
}

/**
 * Checks that a pending approval may still be decided at `now`. An approval
 * is decided once: every later approve, deny or cancel is a conflict (409).
 */
export function assertDecidable(approval: ApprovalRow | undefined, approvalId: string, now: Date): ApprovalRow {
  if (!approval) throw new AppError('not_found', `approval ${approvalId} not found`, 'approvalId');
  if (approval.state !== 'pending') {
    throw new AppError('conflict', `approval ${approvalId} was already ${approval.state}; a decided approval cannot change`, 'approvalId');
  }
  if (approval.expires_at.getTime() <= now.getTime()) {
    throw new AppError('conflict', `approval ${approvalId} expired at ${approval.expires_at.toISOString()}; request a new one`, 'approvalId');
  }
  return approval;
}

/** Admin may approve anything; otherwise the caller's role must be on the approval path. */
export function assertApprover(approval: ApprovalRow, role: string): void {
  if (role === 'admin' || approval.path.roles.includes(role)) return;
  throw new AppError('forbidden', `role ${role} is not on the approval path of ${approval.approval_id}; it needs one of ${approval.path.roles.join(', ')}`);
}

/**
 * Rejects the requester deciding its own approval: the key that requested
 * it, or an approver naming itself as the requester or as the principal the
 * approval is for.
 */
export function assertNotRequester(approval: ApprovalRow, approver: { keyId: string; role: string; name?: string }): void {
  const scopePrincipal = approval.scope.principal as { type?: string; id?: string } | undefined;
  const principalNames = scopePrincipal ? [scopePrincipal.id, `${scopePrincipal.type}::${scopePrincipal.id}`, `${scopePrincipal.type}:${scopePrincipal.id}`] : [];
  const who = approver.name ?? `${approver.role}:${approver.keyId}`;
  const next = 'another approver on its path, with their own key, must decide it';
  if (approval.requested_by_key_id === approver.keyId) {
    throw new AppError('forbidden', `this API key requested approval ${approval.approval_id}, and a requester cannot approve or deny its own request; ${next}`);
  }
  // Names are free text, so they are compared trimmed and case-folded: "Mallory " is the principal "mallory".
  const name = comparable(who);
  if (principalNames.some((n) => comparable(n) === name)) {
    throw new AppError('forbidden', `approver "${who}" is the principal the approval is for on approval ${approval.approval_id}, and cannot decide it; ${next}`);
  }
  if (comparable(approval.requested_by) === name) {
    throw new AppError('forbidden', `approver "${who}" is its requester on approval ${approval.approval_id}, and cannot decide it; ${next}`);
  }
}

function comparable(name: string | undefined): string {
  return (name ?? '').trim().toLowerCase();
}

/** Checks a caller-stated approval path: it names at least one approver, only known roles, and a quorum of at least 1. */
export function assertValidPath(path: ApprovalPath): void {
  const teams = path.teams ?? [];
  if (path.roles.length === 0 && teams.length === 0) {
    throw new AppError('invalid_argument', 'path must name at least one role or team that may approve', 'path.roles');
  }
  const unknown = path.roles.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (unknown.length > 0) {
    throw new AppError('invalid_argument', `path.roles contains unknown roles ${unknown.join(', ')}; use roles from ${ROLES.join(', ')}`, 'path.roles');
  }
  if (!Number.isInteger(path.required) || path.required < 1) {
    throw new AppError('invalid_argument', `path.required must be an integer of at least 1, got ${path.required}`, 'path.required');
  }
}

/** The view of an approval the API returns. */
export function toView(row: ApprovalRow, votes: string[] = []) {
  return {
    approvalId: row.approval_id,
    state: row.state,
    version: row.version,
    decisionId: row.decision_id ?? undefined,
    traceId: row.trace_id ?? undefined,
    spanId: row.span_id ?? undefined,
    scope: row.scope,
    path: row.path,
    contextSnapshot: row.context_snapshot,
    reasons: row.reasons,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    decidedBy: row.decided_by ?? undefined,
    decidedAt: row.decided_at?.toISOString(),
    decisionNote: row.decision_note ?? undefined,
    approvers: votes,
  };
}
