import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, Min } from 'class-validator';
import type { Principal } from '@estate/access';
import { ident } from '@estate/projection';
import { money, toMicros } from '@estate/pricing';
import { AllowRoles, AppError, CurrentPrincipal, PG_POOL, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import { GRANULARITIES, Granularity, parseGroupBy, queryCosts } from './cost-query';
import { DimensionFilter, dimensionsOf } from './dimensions';

export class CostsQuery extends DimensionFilter {
  @IsISO8601({ strict: true }) from!: string;
  @IsISO8601({ strict: true }) to!: string;
  /** Comma-separated dimensions, such as `workflow,model`. */
  @IsOptional() @IsString() groupBy?: string;
  @IsOptional() @IsIn(GRANULARITIES) granularity?: Granularity;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) top?: number;
}

class UnpricedQuery {
  @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

const READERS = ['finops', 'platform', 'ai-engineering', 'governance'] as const;

@Controller('v1')
@AllowRoles(...READERS)
export class CostsController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
  ) {}

  /** Tokens and cost grouped by any dimensions over [from, to), optionally per hour, day, week or month. */
  @Get('costs')
  async costs(@CurrentPrincipal() principal: Principal, @Query() query: CostsQuery) {
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (to <= from) throw new AppError('invalid_argument', `to (${query.to}) must be after from (${query.from})`, 'to');
    const groupBy = parseGroupBy(query.groupBy);
    const result = await queryCosts(this.pool, this.options.schema, {
      tenantId: principal.tenantId,
      from,
      to,
      groupBy,
      granularity: query.granularity,
      filters: dimensionsOf(query),
      top: query.top,
    });
    return { from: from.toISOString(), to: to.toISOString(), groupBy, granularity: query.granularity ?? null, currency: 'USD', rows: result.rows };
  }

  /** Lists every priced and unpriced call of one trace, with its cost lines. */
  @Get('traces/:traceId/cost')
  async traceCost(@CurrentPrincipal() principal: Principal, @Param('traceId') traceId: string) {
    if (!/^[0-9a-f]{32}$/.test(traceId)) throw new AppError('invalid_argument', `trace id "${traceId}" must be 32 lowercase hex characters`, 'traceId');
    const { rows } = await this.pool.query(
      `SELECT usage_id, span_id, occurred_at, model, model_reported, provider, workflow, agent, priced, cost::text, cost_lines,
         catalog_version, override_id, unpriced_reason, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens
       FROM ${ident(this.options.schema)}.usage_records WHERE tenant_id = $1 AND trace_id = $2 ORDER BY occurred_at, usage_id`,
      [principal.tenantId, traceId],
    );
    if (rows.length === 0) throw new AppError('not_found', `no usage recorded for trace ${traceId}`, 'traceId');
    const total = rows.reduce((sum, r) => (r.cost ? sum.plus(money(r.cost)) : sum), money('0'));
    return {
      traceId,
      currency: 'USD',
      cost: total.toFixed(),
      costMicros: toMicros(total).toString(),
      unpricedCalls: rows.filter((r) => !r.priced).length,
      calls: rows.map((r) => ({
        usageId: r.usage_id,
        spanId: r.span_id,
        occurredAt: r.occurred_at.toISOString(),
        model: r.model,
        modelReported: r.model_reported,
        provider: r.provider || null,
        workflow: r.workflow || null,
        agent: r.agent || null,
        priced: r.priced,
        cost: r.cost,
        lines: r.cost_lines,
        catalogVersion: r.catalog_version,
        overrideId: r.override_id,
        unpricedReason: r.unpriced_reason,
        tokens: { input: Number(r.input_tokens), output: Number(r.output_tokens), cachedInput: Number(r.cached_input_tokens), reasoning: Number(r.reasoning_tokens) },
      })),
    };
  }

  /** Calls the ledger could not price, newest first, so an operator can add the missing model or price. */
  @Get('usage/unpriced')
  async unpriced(@CurrentPrincipal() principal: Principal, @Query() query: UnpricedQuery) {
    const { rows } = await this.pool.query(
      `SELECT usage_id, trace_id, occurred_at, model_reported, provider, workflow, unpriced_reason
       FROM ${ident(this.options.schema)}.usage_records
       WHERE tenant_id = $1 AND NOT priced AND occurred_at >= $2 ORDER BY occurred_at DESC LIMIT $3`,
      [principal.tenantId, query.from ?? '1970-01-01T00:00:00Z', query.limit ?? 100],
    );
    return {
      usage: rows.map((r) => ({
        usageId: r.usage_id,
        traceId: r.trace_id,
        occurredAt: r.occurred_at.toISOString(),
        model: r.model_reported,
        provider: r.provider || null,
        workflow: r.workflow || null,
        reason: r.unpriced_reason,
      })),
    };
  }
}
