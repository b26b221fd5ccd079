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
