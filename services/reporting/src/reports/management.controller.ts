import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Principal } from '@estate/access';
import { CurrentPrincipal, PG_POOL, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import { baselineMovers, failureClusters, recurring } from '../queries/management';
import { daysAfter, reportPeriod } from './report-period';
import { PeriodQuery } from './reports.controller';

export class ManagementQuery extends PeriodQuery {
  @ApiPropertyOptional({ description: 'Days before `from` that form the baseline', default: 28, minimum: 1, maximum: 180 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(180) baselineDays?: number;
  @ApiPropertyOptional({ description: 'Occurrences that make a denial or exception recurring', default: 3, minimum: 2, maximum: 1000 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(2) @Max(1000) minCount?: number;
}

/** Operator views: failure clusters, prompt versions and model routes that regressed, and recurring denials and exceptions. */
@ApiTags('management')
@ApiBearerAuth()
@Controller('v1/management')
export class ManagementController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
  ) {}

  @Get()
  async overview(@Query() query: ManagementQuery, @CurrentPrincipal() principal: Principal) {
    const period = reportPeriod(query.from, query.to, new Date());
    const window = { tenantId: principal.tenantId, ...period };
    const baselineFrom = daysAfter(period.from, -(query.baselineDays ?? 28));
    const [clusters, movers, recurrences] = await Promise.all([
      failureClusters(this.pool, this.options.schema, window),
      baselineMovers(this.pool, this.options.schema, window, baselineFrom),
      recurring(this.pool, this.options.schema, window, query.minCount ?? 3),
    ]);
    return {
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      baseline: { from: baselineFrom.toISOString(), to: period.from.toISOString() },
      failureClusters: clusters,
      baselineMovers: movers,
      recurringDenials: recurrences.denials,
      recurringExceptions: recurrences.exceptions,
    };
  }
}
