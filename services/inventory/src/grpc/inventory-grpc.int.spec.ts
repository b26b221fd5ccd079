import { status } from '@grpc/grpc-js';
import { waitFor } from '@estate/testing';
import { inventoryGrpc } from '../app.module';
import { freePort, GrpcOutcome, inventoryGrpcClient } from '../../test/inventory-grpc-client';
import { InventoryTestContext, startInventory } from '../../test/inventory-test-client';

jest.setTimeout(90_000);

describe('inventory gRPC API', () => {
  let ctx: InventoryTestContext;
  let client: ReturnType<typeof inventoryGrpcClient>;
  let writerKey: string;
  let readerKey: string;

  beforeAll(async () => {
    const port = await freePort();
    ctx = await startInventory(['platform', 'finops', 'ingest'], { grpc: inventoryGrpc, config: { GRPC_PORT: port } });
    client = inventoryGrpcClient(port);
    writerKey = ctx.keys.platform.key;
    readerKey = ctx.keys.finops.key;
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

  it('registers, updates, retires and lists history', async () => {
    const registered = value(await client.call('RegisterAsset', {
      kind: 'tool', name: 'refund_order',
      fields: { owner_team: 'payments', labels: { tier: 'gold' }, attributes_json: '{"sideEffect":true}' },
    }, writerKey));
    expect(registered).toMatchObject({ kind: 'tool', name: 'refund_order', version: 1, lifecycle: 'active' });
    expect(registered.fields).toMatchObject({ owner_team: 'payments', labels: { tier: 'gold' } });
    expect(JSON.parse(registered.fields.attributes_json)).toEqual({ sideEffect: true });
    const id = registered.asset_id;

    const updated = value(await client.call('UpdateAsset', { id, expected_version: 1, fields: { purpose: 'refunds under 100 EUR' } }, writerKey));
    expect(updated.asset.version).toBe(2);
    expect(updated.changed_fields).toEqual(['purpose']);

    const stale = failure(await client.call('UpdateAsset', { id, expected_version: 1, fields: { purpose: 'again' } }, writerKey));
    expect(stale.code).toBe(status.ABORTED);
    expect(stale.message).toContain('version 2');

    const retired = value(await client.call('RetireAsset', { id, expected_version: 2, reason: 'replaced' }, writerKey));
    expect(retired).toMatchObject({ version: 3, lifecycle: 'retired' });

    const history = value(await client.call('ListAssetHistory', { id }, readerKey));
    expect(history.events.map((e: { type: string }) => e.type)).toEqual(['inventory.asset.registered', 'inventory.asset.updated', 'inventory.asset.retired']);
    expect(history.events[0].changed_by).toBe(`api-key:${ctx.keys.platform.keyId}`);

    const read = await waitFor('asset projected at version 3', () => client.call('GetAsset', { id }, readerKey), (o) => o.ok && o.value.version === 3);
    expect(value(read).lifecycle).toBe('retired');
  });

  it('rejects invalid requests with INVALID_ARGUMENT naming the field', async () => {
    const badKind = failure(await client.call('RegisterAsset', { kind: 'spaceship', name: 'x' }, writerKey));
    expect(badKind.code).toBe(status.INVALID_ARGUMENT);
    expect(badKind.message).toContain('kind');

    const badJson = failure(await client.call('RegisterAsset', { kind: 'tool', name: 'x', fields: { attributes_json: '[1]' } }, writerKey));
    expect(badJson.code).toBe(status.INVALID_ARGUMENT);
    expect(badJson.message).toContain('attributes_json');

    const bothStarts = failure(await client.call('Reach', { from: 'ast_x', environment: 'prod' }, readerKey));
    expect(bothStarts.code).toBe(status.INVALID_ARGUMENT);
  });

  it('maps authentication, role and lookup failures', async () => {
    expect(failure(await client.call('GetAsset', { id: 'ast_missing' })).code).toBe(status.UNAUTHENTICATED);
    expect(failure(await client.call('GetAsset', { id: 'ast_missing' }, 'not-a-key')).code).toBe(status.UNAUTHENTICATED);
    expect(failure(await client.call('RegisterAsset', { kind: 'tool', name: 'x' }, readerKey)).code).toBe(status.PERMISSION_DENIED);
    expect(failure(await client.call('GetAsset', { id: 'ast_missing' }, ctx.keys.ingest.key)).code).toBe(status.PERMISSION_DENIED);
    expect(failure(await client.call('GetAsset', { id: 'ast_missing' }, readerKey)).code).toBe(status.NOT_FOUND);
    expect(failure(await client.call('DeclareRelationship', { type: 'calls', from_id: 'ast_a', to_id: 'ast_b' }, writerKey)).code).toBe(status.NOT_FOUND);
  });

  it('declares a relationship and answers reach', async () => {
    const register = async (body: object) => value(await client.call('RegisterAsset', body, writerKey)).asset_id as string;
    const agent = await register({ kind: 'agent', name: 'support-agent', fields: { environment: 'prod' } });
    const tool = await register({ kind: 'tool', name: 'issue_refund', fields: { attributes_json: '{"sideEffect":true}' } });

    const invalid = failure(await client.call('DeclareRelationship', { type: 'exposes', from_id: agent, to_id: tool }, writerKey));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);

    const relationship = value(await client.call('DeclareRelationship', { type: 'calls', from_id: agent, to_id: tool }, writerKey));
    expect(relationship).toMatchObject({ type: 'calls', from_id: agent, to_id: tool, source: 'declared', version: 1, ended_at: '' });

    const reach = await waitFor('reach shows the declared path', () => client.call('Reach', { from: agent }, readerKey), (o) => o.ok && o.value.paths.length === 1);
    const path = value(reach).paths[0];
    expect(path.nodes.map((n: { id: string }) => n.id)).toEqual([agent, tool]);
    expect(path.relationships).toEqual(['calls']);
    expect(path.target).toMatchObject({ node: { id: tool }, side_effect: true });
    expect(path.ungated).toBe(true);
    expect(value(reach)).toMatchObject({ start_ids: [agent], ungated_paths: 1, truncated_by: '' });
  });
});
