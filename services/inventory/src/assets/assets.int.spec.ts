import { waitFor } from '@estate/testing';
import { InventoryTestContext, startInventory, waitForAsset } from '../../test/inventory-test-client';

jest.setTimeout(90_000);

describe('assets and relationships through the REST API', () => {
  let ctx: InventoryTestContext;

  beforeAll(async () => {
    ctx = await startInventory();
  });

  afterAll(() => ctx.stop());

  it('registers, updates with version checks, retires and keeps history', async () => {
    const registered = await ctx.call('/v1/assets', {
      method: 'POST',
      body: { kind: 'agent', name: 'support-agent', ownerTeam: 'support-ai', purpose: 'answers tickets', environment: 'prod', policyClass: 'customer-facing' },
    });
    expect(registered.status).toBe(201);
    expect(registered.body.version).toBe(1);
    const id = registered.body.assetId as string;

    const updated = await ctx.call(`/v1/assets/${id}`, { method: 'PATCH', body: { expectedVersion: 1, purpose: 'answers and triages tickets' } });
    expect(updated.status).toBe(200);
    expect(updated.body.changedFields).toEqual(['purpose']);
    expect(updated.body.asset.version).toBe(2);

    const stale = await ctx.call(`/v1/assets/${id}`, { method: 'PATCH', body: { expectedVersion: 1, ownerTeam: 'someone-else' } });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('version_conflict');
    expect(stale.body.retryable).toBe(true);

    const forbidden = await ctx.call(`/v1/assets/${id}`, { method: 'PATCH', role: 'finops', body: { expectedVersion: 2, purpose: 'x' } });
    expect(forbidden.status).toBe(403);

    const retired = await ctx.call(`/v1/assets/${id}/retire`, { method: 'POST', body: { expectedVersion: 2, reason: 'replaced by v2 agent' } });
    expect(retired.status).toBe(200);
    expect(retired.body.lifecycle).toBe('retired');

    const history = await ctx.call(`/v1/assets/${id}/history`);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['inventory.asset.registered', 'inventory.asset.updated', 'inventory.asset.retired']);
    expect(history.body.events.every((e: { changedBy: string }) => e.changedBy === `api-key:${ctx.keys.platform.keyId}`)).toBe(true);

    const projected = await waitForAsset(ctx, id, 3);
    expect(projected.body.lifecycle).toBe('retired');
    expect(projected.body.purpose).toBe('answers and triages tickets');
  });

  it('rejects invalid input without applying any of it', async () => {
    const invalid = await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'spaceship', name: '' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['kind', 'name']);

    const secret = await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'tool', name: 'x', labels: { api_key: 'sk-123' } } });
    expect(secret.status).toBe(400);
    expect(secret.body.field).toBe('labels.api_key');

    for (const name of ['   ', 'evil\n\u202egpj.exe', 'a\u2028b']) {
      const odd = await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'tool', name } });
      expect([odd.status, odd.body.field, odd.body.message]).toEqual([400, 'name', expect.stringContaining('name must contain a visible character')]);
    }
    const surrogate = await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'tool', name: 'a\ud800b' } });
    expect([surrogate.status, surrogate.body.field]).toEqual([400, 'name']);
    const retired = await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'tool', name: 'probe', lifecycle: 'retired' } });
    expect([retired.status, retired.body.message]).toEqual([400, expect.stringContaining('POST /v1/assets/{id}/retire')]);
  });

  it('declares typed relationships and rejects pairs the type does not allow', async () => {
    const agent = (await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'agent', name: 'billing-agent', environment: 'prod' } })).body;
    const dataset = (await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'dataset', name: 'invoices', dataClassification: 'restricted' } })).body;

    const wrong = await ctx.call('/v1/relationships', { method: 'POST', body: { type: 'calls', fromId: agent.assetId, toId: dataset.assetId } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toContain('may end at: tool');
    const itself = await ctx.call('/v1/relationships', { method: 'POST', body: { type: 'delegates-to', fromId: agent.assetId, toId: agent.assetId } });
    expect(itself.status).toBe(400);
    expect(itself.body.message).toContain('cannot start and end at the same asset');
    const expired = await ctx.call('/v1/relationships', { method: 'POST', body: { type: 'reads', fromId: agent.assetId, toId: dataset.assetId, validUntil: '2001-01-01T00:00:00Z' } });
    expect(expired.status).toBe(400);
    expect(expired.body.field).toBe('validUntil');

    const reads = await ctx.call('/v1/relationships', { method: 'POST', body: { type: 'reads', fromId: agent.assetId, toId: dataset.assetId } });
    expect(reads.status).toBe(201);
    expect(reads.body.source).toBe('declared');

    const listed = await waitFor(
      'relationship projected',
      () => ctx.call(`/v1/relationships?assetId=${agent.assetId}`),
      (r) => r.body.relationships.length === 1,
    );
    expect(listed.body.relationships[0]).toMatchObject({ type: 'reads', fromKind: 'agent', toKind: 'dataset' });

    const ended = await ctx.call(`/v1/relationships/${reads.body.relationshipId}/end`, { method: 'POST', body: { expectedVersion: 1, reason: 'access removed' } });
    expect(ended.status).toBe(200);
    expect(ended.body.endedAt).toBeDefined();
  });
});
