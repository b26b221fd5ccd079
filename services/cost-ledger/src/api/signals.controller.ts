import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import type { Principal } from '@estate/access';
import { ident } from '@estate/projection';
import { SIGNAL_KINDS, SignalKind } from '@estate/pricing';
import { AllowRoles, CurrentPrincipal, PG_POOL, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';

class SignalsQuery {
  @IsOptional() @IsIn(SIGNAL_KINDS) kind?: SignalKind;
  @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

@Controller('v1/spend-signals')
@AllowRoles('finops', 'platform', 'ai-engineering', 'governance')
export class SignalsController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
  ) {}

  /** Runaway loops, retries, oversized contexts and spikes, newest first. */
  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() query: SignalsQuery) {
    const { rows } = await this.pool.query(
      `SELECT signal_id, kind, trace_id, scope, detail, raised_at FROM ${ident(this.options.schema)}.spend_signals
       WHERE tenant_id = $1 AND ($2::text IS NULL OR kind = $2) AND raised_at >= $3 ORDER BY raised_at DESC, signal_id LIMIT $4`,
      [principal.tenantId, query.kind ?? null, query.from ?? '1970-01-01T00:00:00Z', query.limit ?? 100],
    );
    return {
      signals: rows.map((r) => ({ signalId: r.signal_id, kind: r.kind, traceId: r.trace_id, scope: r.scope, detail: r.detail, raisedAt: r.raised_at.toISOString() })),
    };
  }
}
