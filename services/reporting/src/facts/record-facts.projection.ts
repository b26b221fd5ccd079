import {
  EventEnvelope,
  IncidentRecorded,
  IncidentRecordedV1,
  RaciAssigned,
  RaciAssignedV1,
  ReviewRecorded,
  ReviewRecordedV1,
} from '@estate/contracts';
import { ident, Projection, ProjectionContext } from '@estate/projection';
import { ColumnSpec, insertNew, onePerKey } from './sql';

const RECORD_COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['record_id', 'uuid'], ['record_type', 'text'], ['title', 'text'], ['recorded_by', 'text'],
  ['recorded_at', 'timestamptz'], ['severity', 'text'], ['area', 'text'], ['occurred_at', 'timestamptz'], ['detected_at', 'timestamptz'],
  ['reviewed_at', 'timestamptz'], ['cadence_days', 'integer'], ['owner_team', 'text'], ['summary', 'text'], ['findings', 'jsonb'],
  ['decisions', 'jsonb'], ['links', 'jsonb'],
];

const RACI_COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['area', 'text'], ['team', 'text'], ['part', 'text'], ['assigned_by', 'text'], ['assigned_at', 'timestamptz'],
];

/**
 * Projects incidents and reviews (immutable once recorded) and the RACI
 * table, where the latest assignment of an area replaces its whole row. The
 * reporting topic has one partition, so assignments arrive in order.
 */
export class RecordFactsProjection implements Projection {
  readonly name = 'reporting-records';
  readonly handles = [IncidentRecordedV1.type, ReviewRecordedV1.type, RaciAssignedV1.type];
  readonly tables = [{ name: 'evidence_records' }, { name: 'raci_assignments' }];

  constructor(readonly topics: string[]) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const records = events.filter((e) => e.type !== RaciAssignedV1.type).map(recordRow);
    await insertNew(client, schema, 'evidence_records', RECORD_COLUMNS, ['tenant_id', 'record_id'], onePerKey(records, (r) => `${r.tenant_id}\u0000${r.record_id}`, () => false));

    const latest = onePerKey(events.filter((e) => e.type === RaciAssignedV1.type), (e) => `${e.tenantId}\u0000${(e.payload as RaciAssigned).area}`);
    if (latest.length === 0) return;
    await client.query(
      `DELETE FROM ${ident(schema)}.raci_assignments AS t USING unnest($1::text[], $2::text[]) AS r(tenant_id, area)
       WHERE t.tenant_id = r.tenant_id AND t.area = r.area`,
      [latest.map((e) => e.tenantId), latest.map((e) => (e.payload as RaciAssigned).area)],
    );
    const rows = latest.flatMap((e) => {
      const p = e.payload as RaciAssigned;
      const byTeam = onePerKey(p.assignments, (a) => a.team);
      return byTeam.map((a) => ({ tenant_id: e.tenantId, area: p.area, team: a.team, part: a.part, assigned_by: p.assignedBy, assigned_at: e.occurredAt }));
    });
    await insertNew(client, schema, 'raci_assignments', RACI_COLUMNS, ['tenant_id', 'area', 'team'], rows);
  }
}

function recordRow(event: EventEnvelope) {
  const common = { tenant_id: event.tenantId, recorded_at: event.occurredAt };
  if (event.type === IncidentRecordedV1.type) {
    const p = event.payload as IncidentRecorded;
    return {
      ...common, record_id: p.incidentId, record_type: 'incident', title: p.title, recorded_by: p.recordedBy, severity: p.severity,
      area: null, occurred_at: p.occurredAt, detected_at: p.detectedAt, reviewed_at: null, cadence_days: null, owner_team: p.ownerTeam ?? null,
      summary: p.summary, findings: p.findings, decisions: p.decisions, links: p.links,
    };
  }
  const p = event.payload as ReviewRecorded;
  return {
    ...common, record_id: p.reviewId, record_type: 'review', title: p.title, recorded_by: p.recordedBy, severity: null, area: p.area,
    occurred_at: null, detected_at: null, reviewed_at: p.reviewedAt, cadence_days: p.cadenceDays, owner_team: null, summary: null,
    findings: p.findings, decisions: p.decisions, links: p.links,
  };
}
