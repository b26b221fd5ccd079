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
import { ident, Projection, ProjectionContext } from '@estate/projection';
import { ColumnSpec, insertNew, upsertRows } from './sql';

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

const EVENT_COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['aggregate_id', 'text'], ['event_id', 'uuid'], ['version', 'integer'], ['type', 'text'], ['occurred_at', 'timestamptz'],
  ['payload', 'jsonb'],
];

/**
 * Projects approvals and exception windows. It keeps every event in
 * `approval_events` and recomputes each touched aggregate's row from its
 * whole history in (version, event id) order. A producer that repeats a
 * version, or events that arrive out of order across partitions, therefore
 * leave the same row in a live model and in a rebuild.
 */
export class ApprovalFactsProjection implements Projection {
  readonly name = 'reporting-approvals';
  readonly handles = [
    ApprovalRequestedV1.type, ApprovalGrantedV1.type, ApprovalDeniedV1.type, ApprovalCancelledV1.type, ApprovalExpiredV1.type,
    ...WINDOW_TYPES,
  ];
  readonly tables = [{ name: 'approval_events' }, { name: 'approvals' }, { name: 'exception_windows' }];

  constructor(readonly topics: string[]) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const history = await storeAndLoadHistory(client, schema, events);
    const approvals = fold(history.filter((e) => !WINDOW_TYPES.has(e.type)), approvalChange);
    const windows = fold(history.filter((e) => WINDOW_TYPES.has(e.type)), windowChange);
    await upsertRows(client, schema, { table: 'approvals', columns: APPROVAL_COLUMNS, key: ['tenant_id', 'approval_id'] }, approvals.map((r) => ({ state: 'pending', ...r })));
    await upsertRows(client, schema, { table: 'exception_windows', columns: WINDOW_COLUMNS, key: ['tenant_id', 'window_id'] }, windows);
  }
}

const aggregateIdOf = (e: EventEnvelope) => (e.payload as { approvalId?: string; windowId?: string }).approvalId ?? (e.payload as { windowId: string }).windowId;

/** Stores the batch's events and returns every stored event of the aggregates they touch, in (version, event id) order. */
async function storeAndLoadHistory(client: ProjectionContext['client'], schema: string, events: EventEnvelope[]): Promise<EventEnvelope[]> {
  const rows = events.map((e) => ({
    tenant_id: e.tenantId, aggregate_id: aggregateIdOf(e), event_id: e.eventId, version: (e.payload as { version: number }).version,
    type: e.type, occurred_at: e.occurredAt, payload: e.payload,
  }));
  await insertNew(client, schema, 'approval_events', EVENT_COLUMNS, ['tenant_id', 'aggregate_id', 'event_id'], rows);
  const { rows: stored } = await client.query(
    `SELECT e.tenant_id, e.event_id, e.type, e.occurred_at, e.payload
     FROM ${ident(schema)}.approval_events e
     JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS t(tenant_id, aggregate_id)) touched USING (tenant_id, aggregate_id)
     ORDER BY e.tenant_id, e.aggregate_id, e.version, e.event_id`,
    [rows.map((r) => r.tenant_id), rows.map((r) => r.aggregate_id)],
  );
  return stored.map((r) => ({ tenantId: r.tenant_id, eventId: r.event_id, type: r.type, occurredAt: r.occurred_at.toISOString(), payload: r.payload }) as EventEnvelope);
}

/** Folds each aggregate's ordered history; of two events with the same version, the first (smaller event id) counts. */
function fold(history: EventEnvelope[], change: (e: EventEnvelope) => Record<string, unknown>): Row[] {
  const rows = new Map<string, Row>();
  for (const event of history) {
    const key = `${event.tenantId}\u0000${aggregateIdOf(event)}`;
    const version = (event.payload as { version: number }).version;
    const current = rows.get(key);
    if (current && current.version >= version) continue;
    // An event leaves fields it does not carry (such as a grant without a trace id) as the earlier events set them.
    const carried = Object.entries(change(event)).filter(([, value]) => value !== undefined);
    rows.set(key, { ...current, ...Object.fromEntries(carried), tenant_id: event.tenantId, version });
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
