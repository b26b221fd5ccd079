import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@estate/access';
import { CurrentPrincipal, PG_POOL, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import { RecordCommands } from './record-commands';
import { RecordIncidentRequest, RecordReviewRequest } from './record.dto';
import { readRecordStory } from './record-story';

/**
 * Incidents and reviews as evidence records. POST appends an event and
 * answers 202 with the id; GET reads the projected record with the facts it
 * links to, assembled from the same read models the reports use.
 */
@ApiTags('evidence records')
@ApiBearerAuth()
@Controller('v1')
export class RecordsController {
  constructor(
    private readonly commands: RecordCommands,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
  ) {}

  @Post('incidents')
  @HttpCode(202)
  recordIncident(@Body() request: RecordIncidentRequest, @CurrentPrincipal() principal: Principal) {
    return this.commands.recordIncident(principal, request);
  }

  @Get('incidents/:id')
  incident(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return readRecordStory(this.pool, this.options.schema, principal.tenantId, 'incident', id);
  }

  @Post('reviews')
  @HttpCode(202)
  recordReview(@Body() request: RecordReviewRequest, @CurrentPrincipal() principal: Principal) {
    return this.commands.recordReview(principal, request);
  }

  @Get('reviews/:id')
  review(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return readRecordStory(this.pool, this.options.schema, principal.tenantId, 'review', id);
  }
}
