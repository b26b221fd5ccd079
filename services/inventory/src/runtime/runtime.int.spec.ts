import { AssetObservedV1, createEnvelope, decodeEvent, EventEnvelope, Topics } from '@estate/contracts';
import { EventPublisher } from '@estate/kafka';
import { uniqueSuffix, waitFor } from '@estate/testing';
import { InventoryTestContext, startInventory } from '../../test/inventory-test-client';

jest.setTimeout(90_000);

describe('runtime observations', () => {
  let ctx: InventoryTestContext;
  const received: EventEnvelope[] = [];

  beforeAll(async () => {
    ctx = await startInventory();
    await ctx.bus.consume({
      groupId: `test.inventory-events.${uniqueSuffix()}`,
      topics: [Topics.inventoryEvents],
      eachBatch: async (batch, control) => {
        for (const record of batch.records) {
          if (record.headers['estate-tenant'] === ctx.tenantId) received.push(decodeEvent(record.value, Topics.inventoryEvents));
          control.resolveOffset(record.offset);
        }
      },
    });
  });

  afterAll(() => ctx.stop());

  const observe = (payload: Record<string, unknown>) =>
    createEnvelope({
      type: AssetObservedV1.type, schemaVersion: 1, tenantId: ctx.tenantId, producer: 'trace-ingest', key: `${payload.kind}:${payload.name}`,
      payload: { environment: 'prod', firstSeenAt: new Date().toISOString(), lastSeenAt: new Date(Date.now() + 1000).toISOString(), exampleTraceId: `trace-${payload.name}`, ...payload },
    });

  it('raises unregistered, scope-drift and unseen findings as events', async () => {
    const register = async (body: object) => (await ctx.call('/v1/assets', { method: 'POST', body })).body.assetId as string;
    const agent = await register({ kind: 'agent', name: 'support-agent', environment: 'prod' });
    const search = await register({ kind: 'tool', name: 'search_tickets' });
    const refund = await register({ kind: 'tool', name: 'refund_order' });
    const idle = await register({ kind: 'model', name: 'legacy-model', externalRefs: { 'openai.model': 'gpt-3.5-turbo' } });
    await register({ kind: 'model', name: 'main-model', externalRefs: { 'openai.model': 'gpt-4o-mini' } });
    expect((await ctx.call('/v1/relationships', { method: 'POST', body: { type: 'calls', fromId: agent, toId: search } })).status).toBe(201);
    const windowStart = new Date().toISOString();

    await new EventPublisher(ctx.bus).publish([
      observe({ kind: 'model', name: 'gpt-4o-mini', provider: 'openai' }),
      observe({ kind: 'model', name: 'shadow-model', provider: 'openai' }),
      observe({ kind: 'agent', name: 'support-agent' }),
      observe({ kind: 'tool', name: 'search_tickets', viaAgent: 'support-agent' }),
      observe({ kind: 'tool', name: 'refund_order', viaAgent: 'support-agent' }),
      observe({ kind: 'tool', name: 'refund_order', viaAgent: 'support-agent', lastSeenAt: new Date(Date.now() + 60_000).toISOString() }),
    ]);

    const findings = await waitFor('findings recorded', () => ctx.call('/v1/runtime/findings'), (r) => r.body.findings.length >= 2);
    expect(findings.body.findings.map((f: { finding: string; subject: string }) => `${f.finding} ${f.subject}`).sort()).toEqual([
      `scope-drift-detected ${agent}:refund_order`,
      'unregistered-asset-seen model:shadow-model:prod',
    ]);

    const events = await waitFor('finding events on the inventory topic', async () => received.filter((e) => e.type.startsWith('inventory.runtime.')), (list) => list.length >= 2);
    const drift = events.find((e) => e.type === 'inventory.runtime.scope-drift-detected')!;
    expect(drift.payload).toMatchObject({ agentId: agent, toolId: refund, toolName: 'refund_order' });
    expect(drift.key).toBe(agent);
    expect(drift.correlationId).toBe('trace-refund_order');
    const unregistered = events.find((e) => e.type === 'inventory.runtime.unregistered-asset-seen')!;
    expect(unregistered.payload).toMatchObject({ observed: { observedKind: 'model', name: 'shadow-model', provider: 'openai' } });

    const unseen = await ctx.call('/v1/runtime/unseen/report', { method: 'POST', body: { since: windowStart } });
    expect(unseen.status).toBe(200);
    expect(unseen.body.reported).toContain(idle);
    expect(unseen.body.reported).not.toContain(agent);
    const again = await ctx.call('/v1/runtime/unseen/report', { method: 'POST', body: { since: windowStart } });
    expect(again.body.reported).toEqual([]);
    await waitFor('unseen event on the topic', async () => received.filter((e) => e.type === 'inventory.runtime.registered-asset-unseen' && e.key === idle), (l) => l.length === 1);
  });
});
