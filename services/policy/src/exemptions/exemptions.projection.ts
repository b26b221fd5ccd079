import {
  ApprovalGranted,
  ApprovalGrantedV1,
  ApprovalRequested,
  ApprovalRequestedV1,
  ApprovalScope,
  EventEnvelope,
  ExceptionWindowClosed,
  ExceptionWindowClosedV1,
  ExceptionWindowExpired,
  ExceptionWindowExpiredV1,
  ExceptionWindowOpened,
  ExceptionWindowOpenedV1,
  Topics,
} from '@estate/contracts';
import { canonicalHash } from '@estate/policy-engine';
import { ident, Projection, ProjectionContext } from '@estate/projection';

/** The key a grant is stored and found under: every field the grant must match exactly. */
export function grantScopeKey(scope: ApprovalScope): string {
  return canonicalHash({
    principal: { type: scope.principal.type, id: scope.principal.id },
    action: scope.action,
    resource: { type: scope.resource.type, id: scope.resource.id },
    toolDefinitionHash: scope.toolDefinitionHash,
    argumentsHash: scope.argumentsHash,
    bundleVersion: scope.bundleVersion,
  });
}

/**
 * Projects grants and exception windows from the approvals topic into the
 * tables the decision point consults. After each batch it bumps the
 * tenant's exemption epoch, which is part of every decision cache key.
 */
export class ExemptionsProjection implements Projection {
  readonly name = 'exemptions';
  readonly topics = [Topics.approvalEvents];
  readonly handles = [ApprovalRequestedV1.type, ApprovalGrantedV1.type, ExceptionWindowOpenedV1.type, ExceptionWindowClosedV1.type, ExceptionWindowExpiredV1.type];
  readonly tables = [{ name: 'approval_paths' }, { name: 'approval_grants' }, { name: 'exception_windows' }];
  private readonly epochs = new Map<string, number>();

  epoch(tenantId: string): number {
    return this.epochs.get(tenantId) ?? 0;
  }

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const s = ident(schema);
    const of = <P>(type: string) => events.filter((e) => e.type === type) as Array<EventEnvelope<P>>;

    const requested = of<ApprovalRequested>(ApprovalRequestedV1.type);
    if (requested.length > 0) {
      await client.query(
        `INSERT INTO ${s}.approval_paths (tenant_id, approval_id, roles, teams, required)
         SELECT t.tenant, t.approval, ARRAY(SELECT jsonb_array_elements_text(t.roles)), ARRAY(SELECT jsonb_array_elements_text(t.teams)), t.required
           FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[], $5::int[]) AS t(tenant, approval, roles, teams, required)
         ON CONFLICT (tenant_id, approval_id) DO NOTHING`,
        [
          requested.map((e) => e.tenantId),
          requested.map((e) => e.payload.approvalId),
          requested.map((e) => JSON.stringify(e.payload.path.roles)),
          requested.map((e) => JSON.stringify(e.payload.path.teams ?? [])),
          requested.map((e) => e.payload.path.required),
        ],
      );
    }

    const grants = of<ApprovalGranted>(ApprovalGrantedV1.type);
    if (grants.length > 0) {
      await client.query(
        `INSERT INTO ${s}.approval_grants (tenant_id, approval_id, scope_key, grant_expires_at, approvers, trace_id, granted_at)
         SELECT t.tenant, t.approval, t.scope_key, t.expires_at, ARRAY(SELECT jsonb_array_elements_text(t.approvers)), t.trace, t.granted_at
           FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::text[], $7::timestamptz[])
                AS t(tenant, approval, scope_key, expires_at, approvers, trace, granted_at)
         ON CONFLICT (tenant_id, approval_id) DO NOTHING`,
        [
          grants.map((e) => e.tenantId),
          grants.map((e) => e.payload.approvalId),
          grants.map((e) => grantScopeKey(e.payload.scope)),
          grants.map((e) => e.payload.grantExpiresAt),
          grants.map((e) => JSON.stringify(e.payload.approvers)),
          grants.map((e) => e.payload.traceId ?? null),
          grants.map((e) => e.recordedAt),
        ],
      );
    }

    const opened = of<ExceptionWindowOpened>(ExceptionWindowOpenedV1.type);
    if (opened.length > 0) {
      await client.query(
        `INSERT INTO ${s}.exception_windows (tenant_id, window_id, policy_ids, principal_type, principal_id, resource_type, resource_id,
                                             environment, owner, reason, starts_at, ends_at, state, version)
         SELECT t.tenant, t.win, ARRAY(SELECT jsonb_array_elements_text(t.policies)), t.ptype, t.pid, t.rtype, t.rid,
                t.env, t.owner, t.reason, t.starts, t.ends, 'open', t.version
           FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                       $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[], $13::int[])
                AS t(tenant, win, policies, ptype, pid, rtype, rid, env, owner, reason, starts, ends, version)
         ON CONFLICT (tenant_id, window_id) DO NOTHING`,
        [
          opened.map((e) => e.tenantId),
          opened.map((e) => e.payload.windowId),
          opened.map((e) => JSON.stringify(e.payload.policyIds)),
          opened.map((e) => e.payload.scope.principal?.type ?? null),
          opened.map((e) => e.payload.scope.principal?.id ?? null),
          opened.map((e) => e.payload.scope.resource?.type ?? null),
          opened.map((e) => e.payload.scope.resource?.id ?? null),
          opened.map((e) => e.payload.scope.environment ?? null),
          opened.map((e) => e.payload.owner),
          opened.map((e) => e.payload.reason),
          opened.map((e) => e.payload.startsAt),
          opened.map((e) => e.payload.endsAt),
          opened.map((e) => e.payload.version),
        ],
      );
    }

    const ended = events.filter((e) => e.type === ExceptionWindowClosedV1.type || e.type === ExceptionWindowExpiredV1.type) as Array<
      EventEnvelope<ExceptionWindowClosed | ExceptionWindowExpired>
    >;
    if (ended.length > 0) {
      // The version guard makes a redelivered or out-of-date event a no-op.
      await client.query(
        `UPDATE ${s}.exception_windows w SET state = t.state, version = t.version
           FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS t(tenant, win, state, version)
          WHERE w.tenant_id = t.tenant AND w.window_id = t.win AND w.version < t.version`,
        [
          ended.map((e) => e.tenantId),
          ended.map((e) => e.payload.windowId),
          ended.map((e) => (e.type === ExceptionWindowClosedV1.type ? 'closed' : 'expired')),
          ended.map((e) => e.payload.version),
        ],
      );
    }

    // A requested approval changes no decision until it is granted, so it leaves cached decisions valid.
    const changing = events.filter((e) => e.type !== ApprovalRequestedV1.type);
    for (const tenantId of new Set(changing.map((e) => e.tenantId))) this.epochs.set(tenantId, this.epoch(tenantId) + 1);
  }
}
