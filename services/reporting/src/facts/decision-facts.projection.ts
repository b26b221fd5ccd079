import { EventEnvelope, PolicyDecisionRecorded, PolicyDecisionRecordedV1 } from '@estate/contracts';
import { Projection, ProjectionContext } from '@estate/projection';
import { ColumnSpec, insertNew, onePerKey } from './sql';

const COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['decision_id', 'text'], ['trace_id', 'text'], ['principal_type', 'text'], ['principal_id', 'text'],
  ['action', 'text'], ['resource_type', 'text'], ['resource_id', 'text'], ['outcome', 'text'], ['bundle_version', 'text'],
  ['determining_policies', 'text[]'], ['exception_window_ids', 'text[]'], ['workflow', 'text'], ['decided_at', 'timestamptz'],
];

/** Projects policy decisions; a decision is immutable, so a repeated id keeps the stored row. */
export class DecisionFactsProjection implements Projection {
  readonly name = 'reporting-decisions';
  readonly handles = [PolicyDecisionRecordedV1.type];
  readonly tables = [{ name: 'decision_facts' }];

  constructor(readonly topics: string[]) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const rows = events.map((event) => {
      const p = event.payload as PolicyDecisionRecorded;
      const workflow = p.context?.workflow;
      return {
        tenant_id: event.tenantId,
        decision_id: p.decisionId,
        trace_id: p.traceId ?? null,
        principal_type: p.principal.type,
        principal_id: p.principal.id,
        action: p.action,
        resource_type: p.resource.type,
        resource_id: p.resource.id,
        outcome: p.outcome,
        bundle_version: p.bundleVersion,
        determining_policies: p.determiningPolicies,
        exception_window_ids: p.exceptionWindowIds,
        workflow: typeof workflow === 'string' ? workflow : null,
        decided_at: p.decidedAt,
      };
    });
    await insertNew(client, schema, 'decision_facts', COLUMNS, ['tenant_id', 'decision_id'], onePerKey(rows, (r) => `${r.tenant_id}\u0000${r.decision_id}`, () => false));
  }
}
