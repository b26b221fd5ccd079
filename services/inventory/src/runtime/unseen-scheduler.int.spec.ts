import { AssetObservedV1, createEnvelope, EventEnvelope } from '@estate/contracts';
import { waitFor } from '@estate/testing';
import { collectInventoryEvents, InventoryTestContext, startInventory } from '../../test/inventory-test-client';

jest.setTimeout(90_000);

describe('unseen-asset scheduler', () => {
  let ctx: InventoryTestContext;
  const received: EventEnvelope[] = [];

  beforeAll(async () => {
    ctx = await startInventory(undefined, { config: { INVENTORY_UNSEEN_SCAN_INTERVAL_MS: 200, INVENTORY_UNSEEN_WINDOW_MS: 1500 } });
    await collectInventoryEvents(ctx, received);
  });

  afterAll(() => ctx.stop());

  const unseenEvents = (assetId: string) => received.filter((e) => e.type === 'inventory.runtime.registered-asset-unseen' && e.key === assetId);

  it('reports unseen runtime assets once', async () => {
    const register = async (body: object) => (await ctx.call('/v1/assets', { method: 'POST', body })).body.assetId as string;
    const idleModel = await register({ kind: 'model', name: 'legacy-model' });
    const busyTool = await register({ kind: 'tool', name: 'lookup_order' });
    const team = await register({ kind: 'team', name: 'payments' });
    // Seen until an hour from now, so the tool stays inside every window of this test.
    await ctx.publishObservations([
      createEnvelope({
        type: AssetObservedV1.type, schemaVersion: 1, tenantId: ctx.tenantId, producer: 'trace-ingest', key: 'tool:lookup_order',
        payload: { kind: 'tool', name: 'lookup_order', firstSeenAt: new Date().toISOString(), lastSeenAt: new Date(Date.now() + 3_600_000).toISOString(), exampleTraceId: 'trace-lookup' },
      }),
    ]);
    const later = new Date(Date.now() + 7_200_000).toISOString();
    await waitFor('tool sighting matched', () => ctx.call(`/v1/runtime/unseen?since=${later}`),
      (r) => r.body.assets.some((a: { asset: { assetId: string }; lastSeenAt?: string }) => a.asset.assetId === busyTool && a.lastSeenAt));

    const first = await waitFor('idle model reported', async () => unseenEvents(idleModel), (list) => list.length >= 1);
    expect(first[0].payload).toMatchObject({ asset: { assetId: idleModel, kind: 'model' } });
    expect(first[0].producer).toBe('inventory');

    // A later asset needs a whole window and several scans before it is reported; by then the model must not be reported again.
    const laterModel = await register({ kind: 'model', name: 'batch-model' });
    await waitFor('later model reported', async () => unseenEvents(laterModel), (list) => list.length >= 1);
    expect(unseenEvents(idleModel)).toHaveLength(1);
    expect(unseenEvents(busyTool)).toHaveLength(0);
    expect(unseenEvents(team)).toHaveLength(0);

    const findings = await ctx.call('/v1/runtime/findings?finding=registered-asset-unseen');
    const subjects = findings.body.findings.map((f: { subject: string }) => f.subject.split(':')[0]).sort();
    expect(subjects).toEqual([idleModel, laterModel].sort());
  });
});
