import {
  ApprovalCancelled,
  ApprovalCancelledV1,
  ApprovalDenied,
  ApprovalDeniedV1,
  ApprovalEventBase,
  ApprovalExpired,
  ApprovalExpiredV1,
  ApprovalGranted,
  ApprovalGrantedV1,
  ApprovalRequested,
  ApprovalRequestedV1,
  EventEnvelope,
  ExceptionWindowClosed,
  ExceptionWindowClosedV1,
  ExceptionWindowExpired,
  ExceptionWindowExpiredV1,
  ExceptionWindowOpened,
  ExceptionWindowOpenedV1,
} from '@estate/contracts';
import { Projection, ProjectionContext } from '@estate/projection';
import { ColumnSpec, upsertRows } from './sql';

const APPROVAL_COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['approval_id', 'text'], ['version', 'integer'], ['trace_id', 'text'], ['decision_id', 'text'], ['state', 'text'],
  ['principal_id', 'text'], ['action', 'text'], ['resource_id', 'text'], ['requested_by', 'text'], ['requested_at', 'timestamptz'],
  ['expires_at', 'timestamptz'], ['decided_at', 'timestamptz'], ['decided_by', 'text'],
];

const WINDOW_COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['window_id', 'text'], ['version', 'integer'], ['state', 'text'], ['policy_ids', 'text[]'], ['principal_id', 'text'],
  ['resource_id', 'text'], ['environment', 'text'], ['owner', 'text'], ['reason', 'text'], ['starts_at', 'timestamptz'], ['ends_at', 'timestamptz'],
  ['ended_at', 'timestamptz'], ['opened_by', 'text'],
];

const WINDOW_TYPES: ReadonlySet<string> = new Set([ExceptionWindowOpenedV1.type, ExceptionWindowClosedV1.type, ExceptionWindowExpiredV1.type]);

type Row = Record<string, unknown> & { tenant_id: string; version: number };

/** Keeps every field already set unless a later event sets it again. */
const coalesceAll = (columns: readonly ColumnSpec[], except: string[]) =>
  Object.fromEntries(columns.filter(([n]) => !except.includes(n)).map(([n]) => [n, `coalesce(excluded.${n}, t.${n})`]));

/**
 * Projects approvals and exception windows. Events of one approval (or
 * window) share a partition and carry its version, so the batch folds them
 * in order and the stored row only moves to a higher version.
 */
export class ApprovalFactsProjection implements Projection {
  readonly name = 'reporting-approvals';
  readonly handles = [
    ApprovalRequestedV1.type, ApprovalGrantedV1.type, ApprovalDeniedV1.type, ApprovalCancelledV1.type, ApprovalExpiredV1.type,
    ...WINDOW_TYPES,
  ];
  readonly tables = [{ name: 'approvals' }, { name: 'exception_windows' }];

  constructor(readonly topics: string[]) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const approvals = fold(events.filter((e) => !WINDOW_TYPES.has(e.type)), (e) => (e.payload as ApprovalEventBase).approvalId, approvalChange);
    const windows = fold(events.filter((e) => WINDOW_TYPES.has(e.type)), (e) => (e.payload as { windowId: string }).windowId, windowChange);
    await upsertRows(
      client,
      schema,
      { table: 'approvals', columns: APPROVAL_COLUMNS, key: ['tenant_id', 'approval_id'], replaceWhen: 'excluded.version > t.version', merge: coalesceAll(APPROVAL_COLUMNS, ['version', 'state']) },
      approvals.map((r) => ({ state: 'pending', ...r })),
    );
    await upsertRows(
      client,
      schema,
      { table: 'exception_windows', columns: WINDOW_COLUMNS, key: ['tenant_id', 'window_id'], replaceWhen: 'excluded.version > t.version', merge: coalesceAll(WINDOW_COLUMNS, ['version', 'state']) },
      windows,
    );
  }
}

function fold(events: EventEnvelope[], idOf: (e: EventEnvelope) => string, change: (e: EventEnvelope) => Record<string, unknown>): Row[] {
  const rows = new Map<string, Row>();
  for (const event of events) {
    const key = `${event.tenantId}\u0000${idOf(event)}`;
    const version = (event.payload as { version: number }).version;
    const current = rows.get(key);
    if (current && current.version >= version) continue;
    rows.set(key, { ...current, ...change(event), tenant_id: event.tenantId, version });
  }
  return [...rows.values()];
}

function approvalChange(event: EventEnvelope): Record<string, unknown> {
  const p = event.payload as ApprovalEventBase;
  const base = { approval_id: p.approvalId, trace_id: p.traceId, decision_id: p.decisionId };
  switch (event.type) {
    case ApprovalRequestedV1.type: {
      const r = p as ApprovalRequested;
      return {
        ...base, state: 'pending', principal_id: r.scope.principal.id, action: r.scope.action, resource_id: r.scope.resource.id,
        requested_by: r.requestedBy, requested_at: event.occurredAt, expires_at: r.expiresAt,
      };
    }
    case ApprovalGrantedV1.type:
      return { ...base, state: 'granted', decided_at: event.occurredAt, decided_by: (p as ApprovalGranted).approvers.join(', ') };
    case ApprovalDeniedV1.type:
      return { ...base, state: 'denied', decided_at: event.occurredAt, decided_by: (p as ApprovalDenied).deniedBy };
    case ApprovalCancelledV1.type:
      return { ...base, state: 'cancelled', decided_at: event.occurredAt, decided_by: (p as ApprovalCancelled).cancelledBy };
    default:
      return { ...base, state: 'expired', decided_at: (p as ApprovalExpired).expiredAt };
  }
}

function windowChange(event: EventEnvelope): Record<string, unknown> {
  switch (event.type) {
    case ExceptionWindowOpenedV1.type: {
      const w = event.payload as ExceptionWindowOpened;
      return {
        window_id: w.windowId, state: 'open', policy_ids: w.policyIds, principal_id: w.scope.principal?.id ?? null,
        resource_id: w.scope.resource?.id ?? null, environment: w.scope.environment ?? null, owner: w.owner, reason: w.reason,
        starts_at: w.startsAt, ends_at: w.endsAt, opened_by: w.openedBy,
      };
    }
    case ExceptionWindowClosedV1.type:
      return { window_id: (event.payload as ExceptionWindowClosed).windowId, state: 'closed', ended_at: event.occurredAt };
    default: {
      const x = event.payload as ExceptionWindowExpired;
      return { window_id: x.windowId, state: 'expired', ended_at: x.endedAt };
    }
  }
}
