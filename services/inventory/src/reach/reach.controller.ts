import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { DATA_CLASSIFICATIONS, DataClassification } from '@estate/contracts';
import type { Principal } from '@estate/access';
import { REACH_LIMITS } from '@estate/estate-graph';
import { CurrentPrincipal } from '@estate/service-kit';
import { ReachQueries } from './reach-queries';

export class ReachQueryParams {
  @ApiPropertyOptional({ description: 'Start at this asset' }) @IsOptional() @IsString() from?: string;
  @ApiPropertyOptional({ description: 'Start at every agent in this environment' }) @IsOptional() @IsString() environment?: string;
  @ApiPropertyOptional({ enum: DATA_CLASSIFICATIONS, default: 'confidential' }) @IsOptional() @IsIn(DATA_CLASSIFICATIONS) minSensitivity?: DataClassification;
  @ApiPropertyOptional({ default: REACH_LIMITS.defaultDepth, maximum: REACH_LIMITS.maxDepth })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(REACH_LIMITS.maxDepth) maxDepth?: number;
  @ApiPropertyOptional({ default: REACH_LIMITS.defaultPaths, maximum: REACH_LIMITS.maxPaths })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(REACH_LIMITS.maxPaths) maxPaths?: number;
}

@ApiTags('reach')
@ApiBearerAuth()
@Controller('v1/reach')
export class ReachController {
  constructor(private readonly queries: ReachQueries) {}

  /**
   * Lists every path from one asset, or from every agent in an environment,
   * to sensitive tools, datasets and output channels, with the controls
   * along each path; `ungated` marks paths with no approval gate. The
   * response states the bounds and whether one cut the enumeration short.
   */
  @Get()
  reach(@Query() params: ReachQueryParams, @CurrentPrincipal() principal: Principal) {
    return this.queries.reach(principal.tenantId, params);
  }
}
