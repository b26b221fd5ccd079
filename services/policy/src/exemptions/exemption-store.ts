import { EntityUid, GrantPath, OpenWindow } from '@estate/policy-engine';
import { ident } from '@estate/projection';
import type { Pool } from 'pg';

export interface StoredGrant {
  approvalId: string;
  expiresAt: Date;
  path: GrantPath;
}

export interface WindowQuery {
  tenantId: string;
  principal: EntityUid;
  resource: EntityUid;
  environment: string;
}

/** Reads the grant and window tables the exemptions projection keeps. */
export class ExemptionStore {
  private readonly s: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = ident(schema);
  }

  /**
   * Windows open now whose scope covers the request. The time test is made
   * here too, so a window past its end stops counting even before its
   * expiry event arrives.
   */
  async openWindows(query: WindowQuery): Promise<Array<OpenWindow & { endsAt: Date }>> {
    const { rows } = await this.pool.query<{ window_id: string; policy_ids: string[]; ends_at: Date }>(
      `SELECT window_id, policy_ids, ends_at FROM ${this.s}.exception_windows
        WHERE tenant_id = $1 AND state = 'open' AND starts_at <= now() AND ends_at > now()
          AND (principal_type IS NULL OR (principal_type = $2 AND principal_id = $3))
          AND (resource_type IS NULL OR (resource_type = $4 AND resource_id = $5))
          AND (environment IS NULL OR environment = $6)
        ORDER BY window_id`,
      [query.tenantId, query.principal.type, query.principal.id, query.resource.type, query.resource.id, query.environment],
    );
    return rows.map((r) => ({ windowId: r.window_id, policyIds: r.policy_ids, endsAt: r.ends_at }));
  }

  /**
   * Unexpired grants for the scope, newest first, with the path each was
   * requested under. A grant whose `approval.requested` event has not been
   * projected is left out, because its approvers cannot be checked.
   */
  async findGrants(tenantId: string, scopeKey: string): Promise<StoredGrant[]> {
    const { rows } = await this.pool.query<{ approval_id: string; grant_expires_at: Date; roles: string[]; teams: string[]; required: number }>(
      `SELECT g.approval_id, g.grant_expires_at, p.roles, p.teams, p.required
         FROM ${this.s}.approval_grants g
         JOIN ${this.s}.approval_paths p ON p.tenant_id = g.tenant_id AND p.approval_id = g.approval_id
        WHERE g.tenant_id = $1 AND g.scope_key = $2 AND g.grant_expires_at > now()
        ORDER BY g.granted_at DESC LIMIT 20`,
      [tenantId, scopeKey],
    );
    return rows.map((r) => ({ approvalId: r.approval_id, expiresAt: r.grant_expires_at, path: { roles: r.roles, teams: r.teams, required: r.required } }));
  }
}
