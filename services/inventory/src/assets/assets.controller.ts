import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ASSET_KINDS } from '@estate/contracts';
import type { Principal } from '@estate/access';
import { AllowRoles, CurrentPrincipal } from '@estate/service-kit';
import { EventStore } from '../store/event-store';
import { AssetCommands } from './asset-commands';
import { AssetQueries } from './asset-queries';
import { RegisterAssetRequest, RetireAssetRequest, UpdateAssetRequest } from './asset.dto';

/** Roles that may change the inventory; every other role except ingest may read it. */
export const INVENTORY_WRITERS = ['ai-engineering', 'platform', 'security', 'governance'] as const;

export class ListAssetsQuery {
  @ApiPropertyOptional({ enum: ASSET_KINDS }) @IsOptional() @IsIn(ASSET_KINDS) kind?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() environment?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() name?: string;
  @ApiPropertyOptional({ description: 'Return assets whose id sorts after this one (keyset paging)' }) @IsOptional() @IsString() after?: string;
  @ApiPropertyOptional({ default: 100, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class ListRelationshipsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() assetId?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(({ value }) => value === true || value === 'true') @IsBoolean() includeEnded?: boolean;
  @ApiPropertyOptional({ default: 500, maximum: 5000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(5000) limit?: number;
}

@ApiTags('assets')
@ApiBearerAuth()
@Controller('v1/assets')
export class AssetsController {
  constructor(
    private readonly commands: AssetCommands,
    private readonly queries: AssetQueries,
    private readonly store: EventStore,
  ) {}

  /** Returns the registered snapshot at once; list and get read the projected model, which follows within moments. */
  @Post()
  @AllowRoles(...INVENTORY_WRITERS)
  register(@Body() request: RegisterAssetRequest, @CurrentPrincipal() principal: Principal) {
    return this.commands.register(principal, request);
  }

  @Get()
  list(@Query() query: ListAssetsQuery, @CurrentPrincipal() principal: Principal) {
    return this.queries.list(principal.tenantId, { ...query, limit: query.limit ?? 100 }).then((assets) => ({ assets }));
  }

  @Get(':id')
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.queries.get(principal.tenantId, id);
  }

  @Patch(':id')
  @AllowRoles(...INVENTORY_WRITERS)
  update(@Param('id') id: string, @Body() request: UpdateAssetRequest, @CurrentPrincipal() principal: Principal) {
    return this.commands.update(principal, id, request);
  }

  @Post(':id/retire')
  @HttpCode(200)
  @AllowRoles(...INVENTORY_WRITERS)
  retire(@Param('id') id: string, @Body() request: RetireAssetRequest, @CurrentPrincipal() principal: Principal) {
    return this.commands.retire(principal, id, request);
  }

  /** Every change to the asset, oldest first, with who made it; read from the event table, so it is current at once. */
  @Get(':id/history')
  async history(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    await this.commands.loadAsset(principal.tenantId, id);
    return { assetId: id, events: await this.store.history(principal.tenantId, id) };
  }
}
