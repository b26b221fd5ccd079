import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumberString, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { Principal } from '@estate/access';
import { ident } from '@estate/projection';
import { BUDGET_PERIODS, BudgetPeriod, DEFAULT_THRESHOLDS, money } from '@estate/pricing';
import { AllowRoles, AppError, CurrentPrincipal, PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions, withTransaction } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { defineBudget, removeBudget } from '../budgets/budget-definition';
import { budgetStates } from '../budgets/budget-state';
import { release, reserve, settle } from '../budgets/reservations';
import { DimensionFilter, dimensionsOf } from './dimensions';

/** A plain decimal amount: digits with an optional fraction, no exponent, sign or spaces. */
const USD_TEXT = /^(0|[1-9]\d{0,17})(\.\d{1,12})?$/;
const USD_MESSAGE = (field: string) => `${field} must be USD as a plain decimal string such as "250.00": at most 18 digits before the point and 12 after, with no exponent, sign or spaces`;

class DefineBudgetBody {
  @ApiProperty({ maxLength: 200 }) @IsString() @MaxLength(200) @Matches(/\S/, { message: 'name must contain a visible character' }) name!: string;
  @ApiProperty({ type: DimensionFilter, description: 'Dimensions the budget covers; an empty object covers the whole tenant' }) @IsObject() @ValidateNested() @Type(() => DimensionFilter) scope!: DimensionFilter;
  @ApiProperty({ enum: BUDGET_PERIODS }) @IsIn(BUDGET_PERIODS) period!: BudgetPeriod;
  @ApiPropertyOptional({ description: 'USD as a decimal string, such as "250.00"' }) @IsOptional() @Matches(USD_TEXT, { message: USD_MESSAGE('softLimit') }) softLimit?: string;
  @ApiPropertyOptional({ description: 'USD as a decimal string; reaching it makes the decision point deny or ask for approval' }) @IsOptional() @Matches(USD_TEXT, { message: USD_MESSAGE('hardLimit') }) hardLimit?: string;
  @ApiPropertyOptional({ type: [Number], description: 'Percentages of the hard limit (of the soft limit when there is no hard limit) that emit threshold events; 50, 80 and 100 by default' }) @IsOptional() @IsArray() @ArrayMaxSize(20) @IsInt({ each: true }) @Min(1, { each: true }) @Max(1000, { each: true }) thresholds?: number[];
}

class RemoveBudgetBody {
  @ApiProperty({ maxLength: 2000 }) @IsString() @MaxLength(2000) @Matches(/\S/, { message: 'reason must contain a visible character' }) reason!: string;
}

class BudgetIdParams {
  @IsUUID('all', { message: 'budgetId must be a budget id (a UUID) from GET /v1/budgets' }) budgetId!: string;
}

export class StateQuery extends DimensionFilter {
  @IsOptional() @IsString() @MaxLength(200) sessionId?: string;
  @IsOptional() @Matches(/^[0-9a-f]{32}$/) traceId?: string;
}

export class ReserveBody {
  @ApiProperty({ type: DimensionFilter }) @IsObject() @ValidateNested() @Type(() => DimensionFilter) scope!: DimensionFilter;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) sessionId?: string;
  @ApiPropertyOptional({ pattern: '^[0-9a-f]{32}$' }) @IsOptional() @Matches(/^[0-9a-f]{32}$/) traceId?: string;
  /** Estimated cost of the call in USD, as a decimal string. */
  @ApiProperty({ description: 'USD as a decimal string' }) @IsNumberString() amount!: string;
  /** Seconds until an unsettled reservation is released; 300 by default. */
  @ApiPropertyOptional({ minimum: 1, maximum: 86_400, default: 300 }) @IsOptional() @IsInt() @Min(1) @Max(86_400) ttlSeconds?: number;
}

export class SettleBody {
  @ApiProperty({ description: 'USD as a decimal string' }) @IsNumberString() actualCost!: string;
  /** The call's usage id (`<trace id>:<span id>` for traced calls), so the ledger never counts the call twice. */
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) usageId?: string;
}

const DEFAULT_TTL_SECONDS = 300;

function nonNegative(field: string, value: string) {
  const amount = money(value);
  if (amount.isNegative()) throw new AppError('invalid_argument', `${field} must not be negative, got ${value}`, field);
  return amount;
}

@Controller('v1/budgets')
export class BudgetsController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  @Post()
  @AllowRoles('finops')
  async define(@CurrentPrincipal() principal: Principal, @Body() body: DefineBudgetBody) {
    const definition = {
      tenantId: principal.tenantId,
      name: body.name,
      scope: dimensionsOf(body.scope),
      period: body.period,
      softLimit: body.softLimit ?? null,
      hardLimit: body.hardLimit ?? null,
      thresholds: [...new Set(body.thresholds ?? DEFAULT_THRESHOLDS)].sort((a, b) => a - b),
      definedBy: principal.keyId,
    };
    const budgetId = await withTransaction(this.pool, this.logger, (client) => defineBudget(client, this.options.schema, definition, new Date()));
    return { budgetId, ...definition };
  }

  /** Removes a budget, so it stops counting spend and limiting decisions, and publishes `cost.budget.removed`. */
  @Post(':budgetId/remove')
  @HttpCode(200)
  @AllowRoles('finops')
  async remove(@CurrentPrincipal() principal: Principal, @Param() params: BudgetIdParams, @Body() body: RemoveBudgetBody) {
    const removal = { tenantId: principal.tenantId, budgetId: params.budgetId, removedBy: principal.keyId, reason: body.reason };
    return withTransaction(this.pool, this.logger, (client) => removeBudget(client, this.options.schema, removal));
  }

  @Get()
  @AllowRoles('finops', 'platform', 'governance', 'ai-engineering')
  async list(@CurrentPrincipal() principal: Principal) {
    const { rows } = await this.pool.query(
      `SELECT budget_id, name, scope, period, soft_limit::text, hard_limit::text, thresholds, defined_by, defined_at
       FROM ${ident(this.options.schema)}.budgets WHERE tenant_id = $1 AND removed_at IS NULL ORDER BY defined_at, budget_id`,
      [principal.tenantId],
    );
    return {
      budgets: rows.map((r) => ({ budgetId: r.budget_id, name: r.name, scope: r.scope, period: r.period, softLimit: r.soft_limit, hardLimit: r.hard_limit, thresholds: r.thresholds, definedBy: r.defined_by, definedAt: r.defined_at.toISOString() })),
    };
  }

  /** Budgets a call with these dimensions falls under, their current periods, and the most severe state. */
  @Get('state')
  @AllowRoles('finops', 'platform', 'governance', 'ai-engineering', 'security')
  async state(@CurrentPrincipal() principal: Principal, @Query() query: StateQuery) {
    const run = { sessionId: query.sessionId ?? null, traceId: query.traceId ?? null };
    return budgetStates(this.pool, this.options.schema, principal.tenantId, dimensionsOf(query), run, new Date());
  }

  /** Holds an estimated cost before a call; 409 when a hard-limited budget cannot cover it. */
  @Post('reservations')
  @AllowRoles('platform', 'security', 'finops')
  async reserve(@CurrentPrincipal() principal: Principal, @Body() body: ReserveBody) {
    const request = {
      tenantId: principal.tenantId,
      scope: dimensionsOf(body.scope),
      sessionId: body.sessionId ?? null,
      traceId: body.traceId ?? null,
      amount: nonNegative('amount', body.amount),
      ttlSeconds: body.ttlSeconds ?? DEFAULT_TTL_SECONDS,
      now: new Date(),
    };
    const held = await withTransaction(this.pool, this.logger, (client) => reserve(client, this.options.schema, request));
    return { reservationId: held.reservationId, status: 'held', amount: request.amount.toFixed(), expiresAt: held.expiresAt.toISOString(), budgets: held.lines };
  }

  @Post('reservations/:reservationId/settle')
  @HttpCode(200)
  @AllowRoles('platform', 'security', 'finops')
  async settle(@CurrentPrincipal() principal: Principal, @Param('reservationId') reservationId: string, @Body() body: SettleBody) {
    checkUuid(reservationId);
    const actual = nonNegative('actualCost', body.actualCost);
    const result = await withTransaction(this.pool, this.logger, (client) => settle(client, this.options.schema, principal.tenantId, reservationId, actual, body.usageId ?? null, new Date()));
    return { reservationId, actualCost: actual.toFixed(), ...result };
  }

  @Post('reservations/:reservationId/release')
  @HttpCode(200)
  @AllowRoles('platform', 'security', 'finops')
  async release(@CurrentPrincipal() principal: Principal, @Param('reservationId') reservationId: string) {
    checkUuid(reservationId);
    await withTransaction(this.pool, this.logger, (client) => release(client, this.options.schema, principal.tenantId, reservationId, 'released', new Date()));
    return { reservationId, status: 'released' };
  }
}

function checkUuid(reservationId: string): void {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(reservationId)) {
    throw new AppError('invalid_argument', `reservation id "${reservationId}" is not a UUID`, 'reservationId');
  }
}
