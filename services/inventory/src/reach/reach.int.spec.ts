import { waitFor } from '@estate/testing';
import { InventoryTestContext, startInventory } from '../../test/inventory-test-client';

jest.setTimeout(90_000);

describe('reach query through the REST API', () => {
  let ctx: InventoryTestContext;

  beforeAll(async () => {
    ctx = await startInventory();
  });

  afterAll(() => ctx.stop());

  const register = async (body: object) => (await ctx.call('/v1/assets', { method: 'POST', body })).body.assetId as string;
  const relate = (type: string, fromId: string, toId: string) => ctx.call('/v1/relationships', { method: 'POST', body: { type, fromId, toId } });

  it('returns paths with controls and flags the ungated ones', async () => {
    const agent = await register({ kind: 'agent', name: 'support-agent', environment: 'prod' });
    const refund = await register({ kind: 'tool', name: 'refund_order', attributes: { sideEffect: true } });
    const search = await register({ kind: 'tool', name: 'search_tickets' });
    const tickets = await register({ kind: 'dataset', name: 'tickets', dataClassification: 'restricted' });
    const approval = await register({ kind: 'approval-path', name: 'finance approval' });
    const payments = await register({ kind: 'policy-class', name: 'payments' });
    for (const [type, from, to] of [
      ['calls', agent, refund], ['calls', agent, search], ['reads', search, tickets], ['gated-by', refund, approval], ['governed-by', refund, payments],
    ]) {
      expect((await relate(type, from, to)).status).toBe(201);
    }

    const reach = await waitFor('reach shows both paths', () => ctx.call(`/v1/reach?from=${agent}`), (r) => r.status === 200 && r.body.paths.length === 2);
    expect(reach.body.truncatedBy).toBeNull();
    expect(reach.body.limits).toEqual({ maxDepth: 6, maxPaths: 500, maxExpansions: 200000 });
    const byTarget = Object.fromEntries(reach.body.paths.map((p: { target: { name: string } }) => [p.target.name, p]));
    expect(byTarget.refund_order.ungated).toBe(false);
    expect(byTarget.refund_order.controls.policyClasses).toEqual(['payments']);
    expect(byTarget.refund_order.controls.approvalGates.map((g: { id: string }) => g.id)).toEqual([approval]);
    expect(byTarget.tickets.ungated).toBe(true);
    expect(byTarget.tickets.nodes.map((n: { name: string }) => n.name)).toEqual(['support-agent', 'search_tickets', 'tickets']);
    expect(reach.body.ungatedPaths).toBe(1);

    const estateWide = await ctx.call('/v1/reach?environment=prod');
    expect(estateWide.body.startIds).toEqual([agent]);
    expect(estateWide.body.paths).toHaveLength(2);

    const both = await ctx.call(`/v1/reach?from=${agent}&environment=prod`);
    expect(both.status).toBe(400);
  });
});
