import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@estate/access';
import { ident } from '@estate/projection';
import { AllowRoles, AppError, CurrentPrincipal, PG_POOL, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import { Matches } from 'class-validator';
import type { Pool } from 'pg';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

class ApprovalIdParams {
  @Matches(ID, { message: 'approvalId must be an approval id such as apr-<decision id>' }) approvalId!: string;
}

class WindowIdParams {
  @Matches(ID, { message: 'windowId must be an exception window id' }) windowId!: string;
}

/**
 * Grants and exception windows as the decision point has them. They
 * arrive from the approvals topic shortly after the approvals service
 * records them, so an agent runtime resuming after a grant can wait here
 * until the decision point will honour it.
 */
@ApiTags('exemptions')
@ApiBearerAuth()
@Controller('v1/exemptions')
export class ExemptionsController {
  private readonly s: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) options: ServiceOptions,
  ) {
    this.s = ident(options.schema);
  }

  @Get('grants/:approvalId')
  @AllowRoles('platform', 'security', 'governance', 'ai-engineering')
  @ApiOperation({ summary: 'A granted approval as the decision point sees it, and whether it is in force now' })
  async grant(@CurrentPrincipal() principal: Principal, @Param() params: ApprovalIdParams) {
    const { rows } = await this.pool.query<{ approval_id: string; grant_expires_at: Date; granted_at: Date; approvers: string[]; path_known: boolean }>(
      `SELECT g.approval_id, g.grant_expires_at, g.granted_at, g.approvers, p.approval_id IS NOT NULL AS path_known
         FROM ${this.s}.approval_grants g
         LEFT JOIN ${this.s}.approval_paths p ON p.tenant_id = g.tenant_id AND p.approval_id = g.approval_id
        WHERE g.tenant_id = $1 AND g.approval_id = $2`,
      [principal.tenantId, params.approvalId],
    );
    const row = rows[0];
    if (!row) {
      throw new AppError('not_found', `grant for ${params.approvalId} not found at the decision point. A granted approval arrives from the approvals topic within seconds, so retry shortly if it was granted; a pending, denied or expired approval has no grant`, 'approvalId');
    }
    const inForce = row.path_known && row.grant_expires_at.getTime() > Date.now();
    return { approvalId: row.approval_id, grantedAt: row.granted_at.toISOString(), grantExpiresAt: row.grant_expires_at.toISOString(), approvers: row.approvers, inForce };
  }

  @Get('windows/:windowId')
  @AllowRoles('platform', 'security', 'governance', 'ai-engineering')
  @ApiOperation({ summary: 'An exception window as the decision point sees it, and whether it is in force now' })
  async window(@CurrentPrincipal() principal: Principal, @Param() params: WindowIdParams) {
    const { rows } = await this.pool.query<{ window_id: string; policy_ids: string[]; state: string; starts_at: Date; ends_at: Date }>(
      `SELECT window_id, policy_ids, state, starts_at, ends_at FROM ${this.s}.exception_windows WHERE tenant_id = $1 AND window_id = $2`,
      [principal.tenantId, params.windowId],
    );
    const row = rows[0];
    if (!row) {
      throw new AppError('not_found', `exception window ${params.windowId} not found at the decision point. An opened window arrives from the approvals topic within seconds, so retry shortly if it was just opened`, 'windowId');
    }
    const now = Date.now();
    const inForce = row.state === 'open' && row.starts_at.getTime() <= now && row.ends_at.getTime() > now;
    return { windowId: row.window_id, state: row.state, policyIds: row.policy_ids, startsAt: row.starts_at.toISOString(), endsAt: row.ends_at.toISOString(), inForce };
  }
}
