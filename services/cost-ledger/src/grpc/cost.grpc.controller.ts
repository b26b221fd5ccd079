import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { ApiKeyStore, Principal } from '@estate/access';
import type { Role } from '@estate/contracts';
import { CostDimension } from '@estate/pricing';
import { API_KEY_STORE, authenticateCall, Public, SERVICE_LOGGER, toRpcException } from '@estate/service-kit';
import type { Logger } from 'pino';
import { BudgetsController, ReserveBody, SettleBody, StateQuery } from '../api/budgets.controller';
import { CostsController, CostsQuery } from '../api/costs.controller';
import { DimensionsMessage, dimensionsFromMessage, dimensionsToMessage, optional, validated } from './grpc-messages';

const SERVICE = 'CostLedgerService';
const COST_READERS: Role[] = ['finops', 'platform', 'ai-engineering', 'governance'];
const STATE_READERS: Role[] = ['finops', 'platform', 'governance', 'ai-engineering', 'security'];
const RESERVERS: Role[] = ['platform', 'security', 'finops'];

/**
 * gRPC edge of the cost ledger over the REST handlers, so both edges share
 * validation, tenant scoping and results. The HTTP guard cannot read gRPC
 * metadata, so each method is public to it and authenticates the
 * `authorization` metadata itself with the same key store and roles as REST.
 */
@Controller()
export class CostGrpcController {
  constructor(
    private readonly costs: CostsController,
    private readonly budgets: BudgetsController,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  @Public()
  @GrpcMethod(SERVICE, 'QueryCosts')
  queryCosts(request: { from?: string; to?: string; group_by?: string[]; granularity?: string; top?: number; filter?: DimensionsMessage }, metadata: Metadata) {
    return this.handle('QueryCosts', metadata, COST_READERS, async (principal) => {
      const plain = {
        ...dimensionsFromMessage(request.filter),
        from: request.from,
        to: request.to,
        groupBy: request.group_by?.length ? request.group_by.join(',') : undefined,
        granularity: optional(request.granularity),
        top: request.top || undefined,
      };
      const result = await this.costs.costs(principal, validated(CostsQuery, plain, 'QueryCostsRequest'));
      return {
        from: result.from,
        to: result.to,
        currency: result.currency,
        rows: result.rows.map((row) => costRowMessage(row, result.groupBy)),
      };
    });
  }

  @Public()
  @GrpcMethod(SERVICE, 'GetTraceCost')
  getTraceCost(request: { trace_id?: string }, metadata: Metadata) {
    return this.handle('GetTraceCost', metadata, COST_READERS, async (principal) => {
      const trace = await this.costs.traceCost(principal, request.trace_id ?? '');
      return {
        trace_id: trace.traceId,
        currency: trace.currency,
        cost: trace.cost,
        cost_micros: trace.costMicros,
        unpriced_calls: trace.unpricedCalls,
        calls: trace.calls.map((call) => ({
          usage_id: call.usageId,
          span_id: call.spanId ?? '',
          occurred_at: call.occurredAt,
          model: call.model,
          model_reported: call.modelReported,
          priced: call.priced,
          cost: call.cost ?? '',
          lines: ((call.lines ?? []) as Array<{ priceClass: string; quantity: number; unitPrice: string; amount: string }>).map((line) => ({
            price_class: line.priceClass,
            quantity: line.quantity,
            unit_price: line.unitPrice,
            amount: line.amount,
          })),
          catalog_version: call.catalogVersion ?? '',
          override_id: call.overrideId ?? '',
          unpriced_reason: call.unpricedReason ?? '',
        })),
      };
    });
  }

  @Public()
  @GrpcMethod(SERVICE, 'GetBudgetState')
  getBudgetState(request: { scope?: DimensionsMessage; session_id?: string; trace_id?: string }, metadata: Metadata) {
    return this.handle('GetBudgetState', metadata, STATE_READERS, async (principal) => {
      const plain = { ...dimensionsFromMessage(request.scope), sessionId: optional(request.session_id), traceId: optional(request.trace_id) };
      const result = await this.budgets.state(principal, validated(StateQuery, plain, 'GetBudgetStateRequest'));
      return {
        state: result.state,
        budgets: result.budgets.map((b) => ({
          budget_id: b.budgetId,
          name: b.name,
          scope: dimensionsToMessage(b.scope),
          period: b.period,
          period_key: b.periodKey ?? '',
          period_start: b.periodStart ?? '',
          period_end: b.periodEnd ?? '',
          state: b.state,
          spent: b.spent,
          spent_micros: b.spentMicros,
          reserved: b.reserved,
          soft_limit: b.softLimit ?? '',
          hard_limit: b.hardLimit ?? '',
          headroom: b.headroom ?? '',
          forecast_at_period_end: b.forecastAtPeriodEnd ?? '',
        })),
      };
    });
  }

  @Public()
  @GrpcMethod(SERVICE, 'ReserveBudget')
  reserveBudget(request: { scope?: DimensionsMessage; session_id?: string; trace_id?: string; amount?: string; ttl_seconds?: number }, metadata: Metadata) {
    return this.handle('ReserveBudget', metadata, RESERVERS, async (principal) => {
      const plain = {
        scope: dimensionsFromMessage(request.scope),
        sessionId: optional(request.session_id),
        traceId: optional(request.trace_id),
        amount: request.amount,
        ttlSeconds: request.ttl_seconds || undefined,
      };
      const held = await this.budgets.reserve(principal, validated(ReserveBody, plain, 'ReserveBudgetRequest'));
      return {
        reservation_id: held.reservationId,
        status: held.status,
        amount: held.amount,
        expires_at: held.expiresAt,
        budgets: held.budgets.map((line) => ({ budget_id: line.budgetId, name: line.name, period_key: line.periodKey })),
      };
    });
  }

  @Public()
  @GrpcMethod(SERVICE, 'SettleReservation')
  settleReservation(request: { reservation_id?: string; actual_cost?: string; usage_id?: string }, metadata: Metadata) {
    return this.handle('SettleReservation', metadata, RESERVERS, async (principal) => {
      const body = validated(SettleBody, { actualCost: request.actual_cost, usageId: optional(request.usage_id) }, 'SettleReservationRequest');
      const settled = await this.budgets.settle(principal, request.reservation_id ?? '', body);
      return { reservation_id: settled.reservationId, status: settled.status, actual_cost: settled.actualCost, counted_from_usage: settled.countedFromUsage };
    });
  }

  @Public()
  @GrpcMethod(SERVICE, 'ReleaseReservation')
  releaseReservation(request: { reservation_id?: string }, metadata: Metadata) {
    return this.handle('ReleaseReservation', metadata, RESERVERS, async (principal) => {
      const released = await this.budgets.release(principal, request.reservation_id ?? '');
      return { reservation_id: released.reservationId, status: released.status };
    });
  }

  private async handle<T>(method: string, metadata: Metadata, roles: Role[], work: (principal: Principal) => Promise<T>): Promise<T> {
    try {
      return await work(await authenticateCall(this.keys, metadata, roles));
    } catch (error) {
      throw toRpcException(error, this.logger, `${SERVICE}.${method}`);
    }
  }
}

function costRowMessage(row: Record<string, unknown>, groupBy: CostDimension[]) {
  const group: Record<string, string> = {};
  for (const dimension of groupBy) {
    const value = row[dimension];
    if (typeof value === 'string') group[dimension] = value;
  }
  return {
    period: (row.period as string | undefined) ?? '',
    group,
    calls: row.calls,
    unpriced_calls: row.unpricedCalls,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cached_input_tokens: row.cachedInputTokens,
    cache_creation_tokens: row.cacheCreationTokens,
    reasoning_tokens: row.reasoningTokens,
    cost: row.cost,
    cost_micros: row.costMicros,
  };
}
