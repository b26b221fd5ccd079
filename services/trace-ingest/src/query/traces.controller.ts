import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@estate/access';
import { CurrentPrincipal } from '@estate/service-kit';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { TraceQueries } from './trace-queries';

const TRACE_ID = /^[0-9a-f]{32}$/;

class TraceIdParams {
  // OTLP/JSON exporters may write ids in upper case, and ingest stores them in lower case.
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @Matches(TRACE_ID, { message: 'traceId must be 32 hex characters' })
  traceId!: string;
}

/** A date alone is read as UTC midnight, but a date-time must carry its offset, or the server's zone would decide it. */
const DATE_OR_ZONED_TIME = /^\d{4}-\d{2}-\d{2}$|T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const zoneMessage = (field: string) => `${field} must be a date (2026-03-01) or a date-time with a UTC offset (2026-03-01T00:00:00Z)`;

export class TraceSearchQuery {
  /** Inclusive lower bound on the trace's start time (ISO 8601). */
  @IsOptional() @IsISO8601({ strict: true }) @Matches(DATE_OR_ZONED_TIME, { message: zoneMessage('from') }) from?: string;
  /** Exclusive upper bound on the trace's start time (ISO 8601). */
  @IsOptional() @IsISO8601({ strict: true }) @Matches(DATE_OR_ZONED_TIME, { message: zoneMessage('to') }) to?: string;
  @IsOptional() @IsString() service?: string;
  @IsOptional() @IsString() environment?: string;
  @IsOptional() @IsString() workflow?: string;
  @IsOptional() @IsString() agent?: string;
  @IsOptional() @IsString() model?: string;
  @IsOptional() @IsString() tool?: string;
  @IsOptional() @IsIn(['unset', 'ok', 'error']) status?: string;
  /** `key=value`; repeat the parameter to require several attributes. */
  @IsOptional()
  @Transform(({ value }) => (Array.isArray(value) ? value : [value]))
  @Matches(/^[^=]+=.*$/, { each: true, message: 'attribute must be key=value' })
  attribute?: string[];
  @IsOptional() @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @IsString() cursor?: string;
}

/** The trace record: one trace as a tree, search, and the control story of a trace. */
@ApiTags('traces')
@ApiBearerAuth()
@Controller('v1/traces')
export class TracesController {
  constructor(private readonly queries: TraceQueries) {}

  @Get()
  @ApiOperation({ summary: 'Search traces, newest first, by time range, service, environment, workflow, agent, model, tool, status and span attributes' })
  search(@CurrentPrincipal() principal: Principal, @Query() query: TraceSearchQuery) {
    const attributes = (query.attribute ?? []).map((pair) => {
      const at = pair.indexOf('=');
      return { key: pair.slice(0, at), value: pair.slice(at + 1) };
    });
    return this.queries.search(principal.tenantId, { ...query, attributes, limit: query.limit ?? 50 });
  }

  @Get(':traceId')
  @ApiOperation({ summary: 'One trace with its aggregates and its spans as a tree; orphans are at the top level' })
  trace(@CurrentPrincipal() principal: Principal, @Param() params: TraceIdParams) {
    return this.queries.trace(principal.tenantId, params.traceId);
  }

  @Get(':traceId/story')
  @ApiOperation({ summary: 'The ordered steps of a trace, each with the policy decisions and approvals that applied to it' })
  story(@CurrentPrincipal() principal: Principal, @Param() params: TraceIdParams) {
    return this.queries.controlStory(principal.tenantId, params.traceId);
  }
}
