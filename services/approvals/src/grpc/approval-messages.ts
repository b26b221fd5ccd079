import { validatePlain } from '@estate/contracts';
import { AppError } from '@estate/service-kit';
import { RequestApprovalBody } from '../approvals/approvals.controller';
import { toView } from '../approvals/approval-state';

interface EntityRefMessage {
  type: string;
  id: string;
}

// The server's proto loader leaves proto3 default values out, so every field may be absent.
export interface ScopeMessage {
  principal?: EntityRefMessage;
  action?: string;
  resource?: EntityRefMessage;
  tool_definition_hash?: string;
  arguments_hash?: string;
  bundle_version?: string;
}

export interface CreateApprovalMessage {
  scope?: ScopeMessage;
  path?: { roles?: string[]; teams?: string[]; required?: number };
  context_snapshot_json?: string;
  reasons?: string[];
  expires_in_seconds?: number;
  trace_id?: string;
  span_id?: string;
  decision_id?: string;
}

const optional = (value: string | undefined) => (value ? value : undefined);

/** Maps proto3 defaults (empty strings and lists) to absent fields, then validates like the REST body. */
export function toRequestBody(message: CreateApprovalMessage): RequestApprovalBody {
  const scope = message.scope;
  const plain = {
    scope: scope && {
      principal: scope.principal,
      action: scope.action,
      resource: scope.resource,
      toolDefinitionHash: scope.tool_definition_hash ?? '',
      argumentsHash: scope.arguments_hash ?? '',
      bundleVersion: scope.bundle_version,
    },
    path: message.path && {
      roles: message.path.roles ?? [],
      teams: message.path.teams?.length ? message.path.teams : undefined,
      required: message.path.required ?? 0,
    },
    contextSnapshot: parseObject(message.context_snapshot_json),
    reasons: message.reasons ?? [],
    expiresInSeconds: message.expires_in_seconds ?? 0,
    traceId: optional(message.trace_id),
    spanId: optional(message.span_id),
    decisionId: optional(message.decision_id),
  };
  return checkedLikeRest(RequestApprovalBody, plain, 'approval request');
}

/** Validates a message against the REST body's class, so both edges reject the same input. */
export function checkedLikeRest<T extends object>(body: new () => T, plain: Record<string, unknown>, what: string): T {
  const checked = validatePlain(body, JSON.parse(JSON.stringify(plain)));
  if (!checked.value) {
    const issues = checked.issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    throw new AppError('invalid_argument', `${what} is invalid: ${issues}`, checked.issues[0]?.field);
  }
  return checked.value;
}

function parseObject(raw: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new AppError('invalid_argument', `context_snapshot_json is not valid JSON: ${(error as Error).message}`, 'context_snapshot_json');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('invalid_argument', 'context_snapshot_json must be a JSON object', 'context_snapshot_json');
  }
  return value as Record<string, unknown>;
}

type ApprovalView = ReturnType<typeof toView> & { votesNeeded?: number };

/** Maps the REST view of an approval to the `Approval` message; absent fields become proto3 defaults. */
export function toApprovalMessage(view: ApprovalView) {
  const scope = view.scope as Record<string, unknown>;
  return {
    approval_id: view.approvalId,
    state: view.state,
    version: view.version,
    decision_id: view.decisionId ?? '',
    trace_id: view.traceId ?? '',
    span_id: view.spanId ?? '',
    scope: {
      principal: scope.principal,
      action: scope.action,
      resource: scope.resource,
      tool_definition_hash: scope.toolDefinitionHash ?? '',
      arguments_hash: scope.argumentsHash ?? '',
      bundle_version: scope.bundleVersion,
    },
    path: { roles: view.path.roles, teams: view.path.teams ?? [], required: view.path.required },
    context_snapshot_json: JSON.stringify(view.contextSnapshot),
    reasons: view.reasons,
    requested_by: view.requestedBy,
    requested_at: view.requestedAt,
    expires_at: view.expiresAt,
    decided_by: view.decidedBy ?? '',
    decided_at: view.decidedAt ?? '',
    decision_note: view.decisionNote ?? '',
    approvers: view.approvers,
    votes_needed: view.votesNeeded ?? 0,
  };
}
