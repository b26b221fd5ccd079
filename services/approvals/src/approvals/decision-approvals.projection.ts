import { EventEnvelope, PolicyDecisionRecorded, PolicyDecisionRecordedV1, Topics } from '@estate/contracts';
import { Projection, ProjectionContext } from '@estate/projection';
import { insertApprovals } from './approval.service';

/**
 * Creates an approval for every require-approval decision. The approvals
 * service consumes the decision event rather than being called by the
 * policy service, so the decision point never waits on this service and a
 * decision recorded while it is down still gets its approval. The id comes
 * from the decision, so the agent can wait on it at once, and a redelivered
 * decision creates nothing new.
 */
export class DecisionApprovalsProjection implements Projection {
  readonly name = 'decision-approvals';
  readonly topics = [Topics.policyDecisions];
  readonly handles = [PolicyDecisionRecordedV1.type];
  readonly tables = [{ name: 'approvals' }];

  constructor(private readonly producer: string) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const byTenant = new Map<string, EventEnvelope<PolicyDecisionRecorded>[]>();
    for (const event of events as Array<EventEnvelope<PolicyDecisionRecorded>>) {
      if (event.payload.outcome !== 'require_approval' || !event.payload.approval) continue;
      byTenant.set(event.tenantId, [...(byTenant.get(event.tenantId) ?? []), event]);
    }
    for (const [tenantId, decisions] of byTenant) {
      const requests = decisions.map(({ payload, recordedAt }) => {
        const approval = payload.approval!;
        return {
          approvalId: approval.approvalId,
          traceId: payload.traceId,
          spanId: payload.spanId,
          decisionId: payload.decisionId,
          scope: approval.scope,
          path: approval.path,
          contextSnapshot: payload.context,
          reasons: payload.reasons,
          requestedBy: `${payload.principal.type}::${payload.principal.id}`,
          requesterKeyId: payload.requestedByKeyId,
          expiresAt: new Date(Date.parse(recordedAt) + approval.expiresInSeconds * 1000).toISOString(),
        };
      });
      await insertApprovals(client, schema, tenantId, requests, this.producer);
    }
  }
}
