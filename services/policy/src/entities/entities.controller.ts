import { Body, Controller, HttpCode, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@estate/access';
import { EntityJson } from '@estate/policy-engine';
import { AllowRoles, CurrentPrincipal } from '@estate/service-kit';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { EntityDto } from '../decisions/decision.dto';
import { EntityCache } from './entity-cache';

export class UpsertEntitiesBody {
  @ApiProperty({ type: [EntityDto], minItems: 1, maxItems: 5000 })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5000) @ValidateNested({ each: true }) @Type(() => EntityDto) entities!: EntityDto[];
}

/** Registers entities (agents with their tool scope, tools with pinned hashes, datasets, ...) for decisions to read. */
@ApiTags('entities')
@ApiBearerAuth()
@Controller('v1/entities')
export class EntitiesController {
  constructor(private readonly entities: EntityCache) {}

  @Put()
  @HttpCode(200)
  @AllowRoles('platform', 'security', 'ai-engineering')
  async upsert(@CurrentPrincipal() principal: Principal, @Body() body: UpsertEntitiesBody) {
    await this.entities.upsert(principal.tenantId, body.entities as unknown as EntityJson[], false);
    return { upserted: body.entities.length };
  }
}
