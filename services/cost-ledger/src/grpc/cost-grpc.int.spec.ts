import { randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { waitFor } from '@estate/testing';
import { costGrpc } from '../app.module';
import { costGrpcClient, freePort, GrpcOutcome } from '../../test/cost-grpc-client';
import { LedgerTestContext, startLedger, usageEvent } from '../../test/cost-ledger-harness';

jest.setTimeout(120_000);

const DAY_MS = 86_400_000;

describe('cost ledger gRPC API', () => {
  let ctx: LedgerTestContext;
  let client: ReturnType<typeof costGrpcClient>;

  beforeAll(async () => {
    const port = await freePort();
    ctx = await startLedger(['finops', 'platform', 'security'], { grpc: costGrpc, config: { GRPC_PORT: port } });
    client = costGrpcClient(port);
  });

  afterAll(async () => {
    client.close();
    await ctx.stop();
  });

  const value = (outcome: GrpcOutcome) => {
    if (!outcome.ok) throw new Error(`expected success, got status ${outcome.code}: ${outcome.message}`);
    return outcome.value;
  };
  const failure = (outcome: GrpcOutcome) => {
    if (outcome.ok) throw new Error(`expected a gRPC error, got ${JSON.stringify(outcome.value)}`);
    return outcome;
  };

  it('returns the same costs as REST', async () => {
    const traceId = randomBytes(16).toString('hex');
    const now = new Date();
    for (const [i, model] of ['gpt-4o', 'gpt-4o-mini'].entries()) {
      await ctx.publisher.publish([
        usageEvent(ctx.tenantId, { usageId: `grpc-${i}`, occurredAt: now.toISOString(), model, provider: 'openai', traceId, spanId: randomBytes(8).toString('hex'), workflow: 'wf-grpc', usage: { input: 1000, output: 500 } }),
      ]);
    }
    const rest = await waitFor('trace priced', () => ctx.call('GET', `/v1/traces/${traceId}/cost`, ctx.keys.finops), (r) => r.status === 200 && r.body.calls.length === 2);

    const trace = value(await client.call('GetTraceCost', { trace_id: traceId }, ctx.keys.finops.key));
    expect(trace).toMatchObject({ trace_id: traceId, currency: 'USD', cost: rest.body.cost, cost_micros: rest.body.costMicros, unpriced_calls: 0 });
    expect(trace.calls.map((c: any) => c.cost).sort()).toEqual(rest.body.calls.map((c: any) => c.cost).sort());
    expect(trace.calls[0].lines.map((l: any) => l.price_class)).toEqual(['input', 'output']);

    const from = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS).toISOString();
    const to = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS).toISOString();
    const costs = value(await client.call('QueryCosts', { from, to, group_by: ['workflow', 'model'], filter: { workflow: 'wf-grpc' } }, ctx.keys.finops.key));
    const restCosts = await ctx.call('GET', `/v1/costs?from=${from}&to=${to}&groupBy=workflow,model&workflow=wf-grpc`, ctx.keys.finops);
    expect(costs.rows).toHaveLength(2);
    expect(costs.rows.map((r: any) => ({ ...r.group, cost: r.cost, calls: Number(r.calls) }))).toEqual(
      restCosts.body.rows.map((r: any) => ({ workflow: r.workflow, model: r.model, cost: r.cost, calls: r.calls })),
    );

    const missing = failure(await client.call('GetTraceCost', { trace_id: randomBytes(16).toString('hex') }, ctx.keys.finops.key));
    expect(missing.code).toBe(status.NOT_FOUND);
    const badRange = failure(await client.call('QueryCosts', { from: to, to: from }, ctx.keys.finops.key));
    expect(badRange.code).toBe(status.INVALID_ARGUMENT);
    expect(badRange.message).toContain('to');
  });

  it('reserves, settles and reports budget state', async () => {
    const defined = await ctx.call('POST', '/v1/budgets', ctx.keys.finops, { name: 'grpc run cap', scope: { workflow: 'wf-reserve' }, period: 'run', hardLimit: '1.00' });
    expect(defined.status).toBe(201);
    const scope = { workflow: 'wf-reserve', model: 'gpt-4o' };

    const held = value(await client.call('ReserveBudget', { scope, session_id: 'run-1', amount: '0.60' }, ctx.keys.platform.key));
    expect(held).toMatchObject({ status: 'held', amount: '0.6' });
    expect(held.budgets).toEqual([{ budget_id: defined.body.budgetId, name: 'grpc run cap', period_key: 'run-1' }]);

    const overLimit = failure(await client.call('ReserveBudget', { scope, session_id: 'run-1', amount: '0.50' }, ctx.keys.security.key));
    expect(overLimit.code).toBe(status.FAILED_PRECONDITION);

    const holding = value(await client.call('GetBudgetState', { scope, session_id: 'run-1' }, ctx.keys.security.key));
    expect(holding.budgets).toEqual([expect.objectContaining({ budget_id: defined.body.budgetId, period_key: 'run-1', reserved: '0.6', spent: '0', hard_limit: '1.00', state: 'ok' })]);

    const settled = value(await client.call('SettleReservation', { reservation_id: held.reservation_id, actual_cost: '0.95' }, ctx.keys.platform.key));
    expect(settled).toMatchObject({ reservation_id: held.reservation_id, status: 'settled', actual_cost: '0.95', counted_from_usage: false });
    const after = value(await client.call('GetBudgetState', { scope, session_id: 'run-1' }, ctx.keys.security.key));
    expect(after.budgets[0]).toMatchObject({ spent: '0.95', reserved: '0' });

    const again = failure(await client.call('SettleReservation', { reservation_id: held.reservation_id, actual_cost: '0.95' }, ctx.keys.platform.key));
    expect(again.code).toBe(status.FAILED_PRECONDITION);
    const second = value(await client.call('ReserveBudget', { scope, session_id: 'run-2', amount: '0.10' }, ctx.keys.platform.key));
    const released = value(await client.call('ReleaseReservation', { reservation_id: second.reservation_id }, ctx.keys.platform.key));
    expect(released).toEqual({ reservation_id: second.reservation_id, status: 'released' });
  });

  it('rejects missing keys, wrong roles and invalid input', async () => {
    const anonymous = failure(await client.call('GetBudgetState', {}));
    expect(anonymous.code).toBe(status.UNAUTHENTICATED);
    const reader = failure(await client.call('QueryCosts', { from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' }, ctx.keys.security.key));
    expect(reader.code).toBe(status.PERMISSION_DENIED);
    const negative = failure(await client.call('ReserveBudget', { scope: { workflow: 'x' }, amount: '-1' }, ctx.keys.platform.key));
    expect(negative.code).toBe(status.INVALID_ARGUMENT);
    const notUuid = failure(await client.call('ReleaseReservation', { reservation_id: 'nope' }, ctx.keys.platform.key));
    expect(notUuid.code).toBe(status.INVALID_ARGUMENT);
  });
});
