import { waitFor } from '@estate/testing';
import { bomValidator } from '../../test/cyclonedx-validator';
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

    await waitFor('all relationships projected', () => ctx.call('/v1/relationships'), (r) => r.body.relationships.length === 5);
    const reach = await ctx.call(`/v1/reach?from=${agent}`);
    expect(reach.body.paths).toHaveLength(2);
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

    const bom = await ctx.call(`/v1/export/cyclonedx?system=${agent}`);
    const validate = bomValidator();
    validate(bom.body);
    expect(validate.errors ?? []).toEqual([]);
    expect(bom.body.components.map((c: { name: string }) => c.name).sort()).toEqual(['finance approval', 'payments', 'support-agent', 'tickets']);
    expect(bom.body.services.map((s: { name: string }) => s.name).sort()).toEqual(['refund_order', 'search_tickets']);

    const coverage = await ctx.call('/v1/coverage');
    expect(coverage.body.assets).toBe(6);
    expect(coverage.body.withOwner).toEqual({ covered: 0, total: 6, ratio: 0 });
    expect(coverage.body.workflowsClassified.ratio).toBeNull();
  });
});
