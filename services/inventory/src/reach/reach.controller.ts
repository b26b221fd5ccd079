import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { DATA_CLASSIFICATIONS, DataClassification } from '@estate/contracts';
import type { Principal } from '@estate/access';
import { agentsIn, REACH_LIMITS, searchReach } from '@estate/estate-graph';
import { AppError, CurrentPrincipal } from '@estate/service-kit';
import { ReachIndex } from './reach-index';

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
  constructor(private readonly index: ReachIndex) {}

  /**
   * Lists every path from one asset, or from every agent in an environment,
   * to sensitive tools, datasets and output channels, with the controls
   * along each path; `ungated` marks paths with no approval gate. The
   * response states the bounds and whether one cut the enumeration short.
   */
  @Get()
  async reach(@Query() params: ReachQueryParams, @CurrentPrincipal() principal: Principal) {
    if (!params.from === !params.environment) {
      throw new AppError('invalid_argument', 'give exactly one of "from" (an asset id) or "environment" (every agent in it)', params.from ? 'environment' : 'from');
    }
    const graph = await this.index.graphFor(principal.tenantId);
    const startIds = params.from ? [params.from] : agentsIn(graph, params.environment!);
    const result = searchReach(graph, {
      startIds,
      minSensitivity: params.minSensitivity ?? 'confidential',
      maxDepth: params.maxDepth ?? REACH_LIMITS.defaultDepth,
      maxPaths: params.maxPaths ?? REACH_LIMITS.defaultPaths,
      maxExpansions: REACH_LIMITS.maxExpansions,
      at: Date.now(),
    });
    if (params.from && result.unknownStartIds.length > 0) {
      throw new AppError('not_found', `asset ${params.from} is not an active asset in this tenant's read model`, 'from');
    }
    return { startIds, ungatedPaths: result.paths.filter((p) => p.ungated).length, ...result };
  }
}
