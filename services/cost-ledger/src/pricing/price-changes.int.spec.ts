import { randomBytes } from 'node:crypto';
import { uniqueSuffix, waitFor } from '@estate/testing';
import { LedgerTestContext, startLedger, usageEvent } from '../../test/cost-ledger-harness';

jest.setTimeout(120_000);

const MODEL = 'acme-chat';
const catalogText = (input: string, output: string) =>
  `{"${MODEL}": {"litellm_provider": "acme", "mode": "chat", "input_cost_per_token": ${input}, "output_cost_per_token": ${output}}}`;

describe('price catalog versions and overrides', () => {
  let ctx: LedgerTestContext;
  let traceId: string;
  let versions: { june1: string; june15: string };

  beforeAll(async () => {
    ctx = await startLedger(['finops', 'governance']);
    traceId = randomBytes(16).toString('hex');
    const june1 = await ctx.call('POST', '/v1/price-catalogs', ctx.keys.finops, { format: 'litellm', catalog: catalogText('1e-6', '0.000002'), effectiveFrom: '2025-06-01T00:00:00Z' });
    const june15 = await ctx.call('POST', '/v1/price-catalogs', ctx.keys.finops, { format: 'litellm', catalog: catalogText('0.000003', '4E-6'), effectiveFrom: '2025-06-15T00:00:00Z' });
    expect(june1.status).toBe(201);
    expect(june15.status).toBe(201);
    versions = { june1: june1.body.catalogVersion, june15: june15.body.catalogVersion };
  });

  afterAll(() => ctx.stop());

  const publishUsage = (usageId: string, occurredAt: string) =>
    ctx.publisher.publish([usageEvent(ctx.tenantId, { usageId, occurredAt, model: MODEL, traceId, spanId: randomBytes(8).toString('hex'), workflow: 'billing', usage: { input: 1000, output: 500 } })]);

  const tracedCalls = async (count: number) => {
    const result = await waitFor(`${count} calls of the trace priced`, () => ctx.call('GET', `/v1/traces/${traceId}/cost`, ctx.keys.finops), (r) => r.status === 200 && r.body.calls.length >= count);
    return new Map<string, any>(result.body.calls.map((c: any) => [c.usageId, c]));
  };

  it('prices each call with the version in force', async () => {
    await publishUsage('before-change', '2025-06-10T12:00:00Z');
    await publishUsage('after-change', '2025-06-20T12:00:00Z');
    const calls = await tracedCalls(2);

    // 1000 × 0.000001 + 500 × 0.000002, then 1000 × 0.000003 + 500 × 0.000004.
    expect(calls.get('before-change')).toMatchObject({ cost: '0.002', catalogVersion: versions.june1, overrideId: null });
    expect(calls.get('after-change')).toMatchObject({ cost: '0.005', catalogVersion: versions.june15, overrideId: null });

    const month = await ctx.call('GET', '/v1/costs?from=2025-06-01T00:00:00Z&to=2025-07-01T00:00:00Z&groupBy=model', ctx.keys.finops);
    expect(month.status).toBe(200);
    expect(month.body.rows).toEqual([expect.objectContaining({ model: MODEL, calls: 2, cost: '0.007', costMicros: '7000' })]);

    const atJune10 = await ctx.call('GET', `/v1/prices?model=${MODEL}&at=2025-06-10T00:00:00Z`, ctx.keys.finops);
    expect(atJune10.body).toMatchObject({ catalogVersion: versions.june1, prices: { input: '0.000001', output: '0.000002' } });
  });

  it('applies overrides from their effective time and keeps the audit trail', async () => {
    const first = await ctx.call('POST', '/v1/price-overrides', ctx.keys.finops, { model: MODEL, effectiveFrom: '2025-06-25T00:00:00Z', prices: { input: '0.0000005' }, reason: 'contract 2025-06' });
    const second = await ctx.call('POST', '/v1/price-overrides', ctx.keys.finops, { model: MODEL, effectiveFrom: '2025-06-27T00:00:00Z', prices: { input: '0.0000004' }, reason: 'volume tier reached' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);

    const unknownModel = await ctx.call('POST', '/v1/price-overrides', ctx.keys.finops, { model: `no-such-model-${uniqueSuffix()}`, effectiveFrom: '2025-06-25T00:00:00Z', prices: { input: '0.1' }, reason: 'typo' });
    expect(unknownModel.status).toBe(400);
    expect(unknownModel.body).toMatchObject({ code: 'invalid_argument', field: 'model' });
    const readerMayNotSet = await ctx.call('POST', '/v1/price-overrides', ctx.keys.governance, { model: MODEL, effectiveFrom: '2025-06-25T00:00:00Z', prices: { input: '0' }, reason: 'not allowed' });
    expect(readerMayNotSet.status).toBe(403);

    const trail = await ctx.call('GET', '/v1/price-overrides', ctx.keys.governance);
    expect(trail.status).toBe(200);
    expect(trail.body.overrides).toEqual([
      expect.objectContaining({ overrideId: first.body.overrideId, model: MODEL, effectiveFrom: '2025-06-25T00:00:00.000Z', prices: { input: '0.0000005' }, reason: 'contract 2025-06', setBy: ctx.keys.finops.keyId }),
      expect.objectContaining({ overrideId: second.body.overrideId, prices: { input: '0.0000004' }, reason: 'volume tier reached', setBy: ctx.keys.finops.keyId }),
    ]);

    await publishUsage('first-override', '2025-06-26T12:00:00Z');
    await publishUsage('second-override', '2025-06-28T12:00:00Z');
    const calls = await tracedCalls(4);
    // The override replaces only the input price; output stays at the June 15 catalog's 0.000004.
    expect(calls.get('first-override')).toMatchObject({ cost: '0.0025', catalogVersion: versions.june15, overrideId: first.body.overrideId });
    expect(calls.get('second-override')).toMatchObject({ cost: '0.0024', catalogVersion: versions.june15, overrideId: second.body.overrideId });
    expect(calls.get('before-change')).toMatchObject({ cost: '0.002', overrideId: null });
  });

  it('prices a redelivered usage id once', async () => {
    await publishUsage('after-change', '2025-06-20T12:00:00Z');
    await publishUsage('marker', '2025-06-21T12:00:00Z');
    await tracedCalls(5);
    const month = await ctx.call('GET', '/v1/costs?from=2025-06-01T00:00:00Z&to=2025-07-01T00:00:00Z', ctx.keys.finops);
    // 0.002 + 0.005 + 0.0025 + 0.0024 + the marker at the June 15 prices (0.005).
    expect(month.body.rows).toEqual([expect.objectContaining({ calls: 5, cost: '0.0169' })]);
  });
});
