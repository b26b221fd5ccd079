import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@estate/access';
import { AllowRoles, CurrentPrincipal } from '@estate/service-kit';
import { INVENTORY_WRITERS, ListRelationshipsQuery } from '../assets/assets.controller';
import { AssetQueries } from '../assets/asset-queries';
import { RelationshipCommands } from './relationship-commands';
import { DeclareRelationshipRequest, EndRelationshipRequest } from './relationship.dto';

@ApiTags('relationships')
@ApiBearerAuth()
@Controller('v1/relationships')
export class RelationshipsController {
  constructor(
    private readonly commands: RelationshipCommands,
    private readonly queries: AssetQueries,
  ) {}

  /** Declares a typed relationship; declaring one that exists refreshes its last-seen time. */
  @Post()
  @AllowRoles(...INVENTORY_WRITERS)
  declare(@Body() request: DeclareRelationshipRequest, @CurrentPrincipal() principal: Principal) {
    return this.commands.declare(principal, request);
  }

  @Get()
  async list(@Query() query: ListRelationshipsQuery, @CurrentPrincipal() principal: Principal) {
    return { relationships: await this.queries.relationships(principal.tenantId, query.assetId, query.includeEnded ?? false, query.limit ?? 500) };
  }

  @Post(':id/end')
  @HttpCode(200)
  @AllowRoles(...INVENTORY_WRITERS)
  end(@Param('id') id: string, @Body() request: EndRelationshipRequest, @CurrentPrincipal() principal: Principal) {
    return this.commands.end(principal, id, request);
  }
}
