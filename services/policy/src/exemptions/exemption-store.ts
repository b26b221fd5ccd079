import { EntityUid, OpenWindow } from '@estate/policy-engine';
import { ident } from '@estate/projection';
import type { Pool } from 'pg';

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

  async findGrant(tenantId: string, scopeKey: string): Promise<{ approvalId: string; expiresAt: Date } | undefined> {
    const { rows } = await this.pool.query<{ approval_id: string; grant_expires_at: Date }>(
      `SELECT approval_id, grant_expires_at FROM ${this.s}.approval_grants
        WHERE tenant_id = $1 AND scope_key = $2 AND grant_expires_at > now()
        ORDER BY granted_at DESC LIMIT 1`,
      [tenantId, scopeKey],
    );
    return rows[0] ? { approvalId: rows[0].approval_id, expiresAt: rows[0].grant_expires_at } : undefined;
  }
}
