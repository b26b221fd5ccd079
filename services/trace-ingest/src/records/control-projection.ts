import {
  ApprovalCancelledV1,
  ApprovalDeniedV1,
  ApprovalEventBase,
  ApprovalExpiredV1,
  ApprovalGrantedV1,
  ApprovalRequestedV1,
  EventEnvelope,
  PolicyDecisionRecorded,
  PolicyDecisionRecordedV1,
} from '@estate/contracts';
import { ident, Projection, ProjectionContext } from '@estate/projection';

/** Approval state named by each approval event type. */
const APPROVAL_STATES: Record<string, string> = {
  [ApprovalRequestedV1.type]: 'requested',
  [ApprovalGrantedV1.type]: 'granted',
  [ApprovalDeniedV1.type]: 'denied',
  [ApprovalCancelledV1.type]: 'cancelled',
  [ApprovalExpiredV1.type]: 'expired',
};

/**
 * Links policy decisions and approvals to traces by trace and span id, so a
 * trace's control story fills in as those events arrive, before or after
 * the spans themselves. An approval keeps the state of its highest version
 * and the trace, span and decision ids of whichever version carried them
 * (a grant often omits the span id its request named), so redelivered or
 * reordered approval events leave the same row.
 */
export class ControlProjection implements Projection {
  readonly name = 'trace-control';
  readonly handles = [PolicyDecisionRecordedV1.type, ...Object.keys(APPROVAL_STATES)];
  readonly tables = [{ name: 'policy_decisions' }, { name: 'approvals' }];

  constructor(readonly topics: string[]) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const s = ident(schema);
    const decisions = events.filter((e) => e.type === PolicyDecisionRecordedV1.type);
    const approvals = events.filter((e) => APPROVAL_STATES[e.type]);

    if (decisions.length > 0) {
      const rows = decisions.map((e) => {
        const p = e.payload as PolicyDecisionRecorded;
        return {
          tenant_id: e.tenantId,
          decision_id: p.decisionId,
          trace_id: p.traceId ?? null,
          span_id: p.spanId ?? null,
          outcome: p.outcome,
          action: p.action,
          principal: `${p.principal.type}::${p.principal.id}`,
          resource: `${p.resource.type}::${p.resource.id}`,
          bundle_version: p.bundleVersion,
          reasons: p.reasons,
          decided_at: p.decidedAt,
        };
      });
      // A decision is recorded once; a redelivered copy with a new event id changes nothing.
      await client.query(
        `INSERT INTO ${s}.policy_decisions (tenant_id, decision_id, trace_id, span_id, outcome, action, principal, resource, bundle_version, reasons, decided_at)
         SELECT DISTINCT ON (tenant_id, decision_id) * FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, decision_id text, trace_id text, span_id text,
           outcome text, action text, principal text, resource text, bundle_version text, reasons jsonb, decided_at timestamptz)
         ORDER BY tenant_id, decision_id
         ON CONFLICT (tenant_id, decision_id) DO NOTHING`,
        [JSON.stringify(rows)],
      );
    }

    if (approvals.length > 0) {
      const rows = approvals.map((e) => {
        const p = e.payload as ApprovalEventBase;
        return {
          tenant_id: e.tenantId,
          approval_id: p.approvalId,
          trace_id: p.traceId ?? null,
          span_id: p.spanId ?? null,
          decision_id: p.decisionId ?? null,
          state: APPROVAL_STATES[e.type],
          version: p.version,
          occurred_at: e.occurredAt,
        };
      });
      await client.query(
        `INSERT INTO ${s}.approvals (tenant_id, approval_id, trace_id, span_id, decision_id, state, version, occurred_at)
         SELECT tenant_id, approval_id,
                (array_agg(trace_id ORDER BY version DESC) FILTER (WHERE trace_id IS NOT NULL))[1],
                (array_agg(span_id ORDER BY version DESC) FILTER (WHERE span_id IS NOT NULL))[1],
                (array_agg(decision_id ORDER BY version DESC) FILTER (WHERE decision_id IS NOT NULL))[1],
                (array_agg(state ORDER BY version DESC))[1], max(version), (array_agg(occurred_at ORDER BY version DESC))[1]
           FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, approval_id text, trace_id text, span_id text,
                decision_id text, state text, version integer, occurred_at timestamptz)
          GROUP BY tenant_id, approval_id
         ON CONFLICT (tenant_id, approval_id) DO UPDATE SET
           trace_id = coalesce(approvals.trace_id, excluded.trace_id), span_id = coalesce(approvals.span_id, excluded.span_id),
           decision_id = coalesce(approvals.decision_id, excluded.decision_id),
           state = CASE WHEN excluded.version > approvals.version THEN excluded.state ELSE approvals.state END,
           occurred_at = CASE WHEN excluded.version > approvals.version THEN excluded.occurred_at ELSE approvals.occurred_at END,
           version = greatest(excluded.version, approvals.version)`,
        [JSON.stringify(rows)],
      );
    }
  }
}
