import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import type { Principal } from '@estate/access';
import { AllowRoles, CurrentPrincipal } from '@estate/service-kit';
import { INVENTORY_WRITERS } from '../assets/assets.controller';
import { RuntimeFindings } from './runtime-findings';

const FINDINGS = ['unregistered-asset-seen', 'registered-asset-unseen', 'scope-drift-detected'] as const;

export class FindingsQuery {
  @ApiPropertyOptional({ enum: FINDINGS }) @IsOptional() @IsIn(FINDINGS) finding?: string;
  @ApiPropertyOptional({ default: 200, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class UnseenWindow {
  @ApiProperty({ description: 'Start of the window: active assets registered before it and not seen at runtime since it are unseen' })
  @IsISO8601({ strict: true })
  since!: string;
}

@ApiTags('runtime')
@ApiBearerAuth()
@Controller('v1/runtime')
export class RuntimeController {
  constructor(private readonly findings: RuntimeFindings) {}

  /** Findings from runtime telemetry: unregistered assets, registered assets never seen, and scope drift. */
  @Get('findings')
  async list(@Query() query: FindingsQuery, @CurrentPrincipal() principal: Principal) {
    return { findings: await this.findings.list(principal.tenantId, query.finding, query.limit ?? 200) };
  }

  @Get('unseen')
  async unseen(@Query() query: UnseenWindow, @CurrentPrincipal() principal: Principal) {
    return { assets: await this.findings.unseen(principal.tenantId, new Date(query.since)) };
  }

  /** Records `inventory.runtime.registered-asset-unseen` for each asset unseen in the window; a scheduler calls it, say daily with a 30-day window. */
  @Post('unseen/report')
  @HttpCode(200)
  @AllowRoles(...INVENTORY_WRITERS)
  report(@Body() body: UnseenWindow, @CurrentPrincipal() principal: Principal) {
    return this.findings.reportUnseen(principal.tenantId, new Date(body.since));
  }
}
