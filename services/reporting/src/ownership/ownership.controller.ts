import { Body, Controller, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { Principal } from '@estate/access';
import { createEnvelope, GOVERNANCE_AREAS, GovernanceArea, RACI_PARTS, RaciAssignedV1, RaciPart } from '@estate/contracts';
import { EventPublisher } from '@estate/kafka';
import { AllowRoles, AppError, CurrentPrincipal, EVENT_PUBLISHER, PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { SERVICE_NAME } from '../config';
import { raciRows, teamWork } from './ownership';

export class RaciAssignmentRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) team!: string;
  @ApiProperty({ enum: RACI_PARTS }) @IsIn(RACI_PARTS) part!: RaciPart;
}

export class SetRaciRequest {
  @ApiProperty({ type: [RaciAssignmentRequest] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => RaciAssignmentRequest)
  assignments!: RaciAssignmentRequest[];
}

/** The ownership view: which team leads, shares or reviews each governance area, and what each team has open. */
@ApiTags('ownership')
@ApiBearerAuth()
@Controller('v1/ownership')
export class OwnershipController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  async view(@CurrentPrincipal() principal: Principal) {
    const raci = await raciRows(this.pool, this.options.schema, principal.tenantId);
    return { raci, teams: await teamWork(this.pool, this.options.schema, principal.tenantId, raci) };
  }

  /** Replaces the tenant's RACI row for one area; the change is an event, visible here within moments. */
  @Put('raci/:area')
  @HttpCode(202)
  @AllowRoles('governance')
  async setRaci(@Param('area') area: string, @Body() request: SetRaciRequest, @CurrentPrincipal() principal: Principal) {
    if (!(GOVERNANCE_AREAS as readonly string[]).includes(area)) {
      throw new AppError('invalid_argument', `area "${area}" is unknown; use one of ${GOVERNANCE_AREAS.join(', ')}`, 'area');
    }
    const teams = request.assignments.map((a) => a.team);
    if (new Set(teams).size !== teams.length) throw new AppError('invalid_argument', 'each team may appear once per area', 'assignments');
    const leads = request.assignments.filter((a) => a.part === 'leads').map((a) => a.team);
    if (leads.length !== 1) {
      throw new AppError('invalid_argument', `an area needs exactly one team that leads it (the accountable one), got ${leads.length === 0 ? 'none' : leads.join(', ')}; make the others share or review`, 'assignments');
    }
    const payload = { area: area as GovernanceArea, assignments: request.assignments.map(({ team, part }) => ({ team, part })), assignedBy: `api-key:${principal.keyId}` };
    await this.publisher.publish([
      createEnvelope({ type: RaciAssignedV1.type, schemaVersion: 1, tenantId: principal.tenantId, producer: SERVICE_NAME, key: area, payload }),
    ]);
    this.logger.info({ tenantId: principal.tenantId, area, keyId: principal.keyId }, 'RACI row assigned');
    return { area, assignments: payload.assignments };
  }
}
