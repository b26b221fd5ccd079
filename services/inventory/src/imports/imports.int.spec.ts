import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@estate/testing';
import { InventoryTestContext, startInventory, waitForAsset } from '../../test/inventory-test-client';

jest.setTimeout(90_000);

const FIXTURES = join(__dirname, '../../test/fixtures/mcp');
const fixture = (path: string) => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));

describe('MCP imports through the REST API', () => {
  let ctx: InventoryTestContext;

  beforeAll(async () => {
    ctx = await startInventory();
  });

  afterAll(() => ctx.stop());

  const importConfig = (file: string, extra: object = {}) =>
    ctx.call('/v1/imports/mcp-config', { method: 'POST', body: { document: fixture(`client-configs/${file}`), environment: 'dev', ...extra } });

  it('maps every client config format onto one server per command line or URL', async () => {
    const agent = (await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'agent', name: 'ide-assistant', environment: 'dev' } })).body;

    const claude = await importConfig('claude_desktop_config.github-docker.json', { clientAgentId: agent.assetId });
    expect(claude.status).toBe(201);
    expect(claude.body.format).toBe('mcpServers');
    expect(claude.body.servers).toHaveLength(1);
    expect(claude.body.servers[0]).toMatchObject({ name: 'github', status: 'created', identity: 'stdio:docker run -i --rm -e GITHUB_PERSONAL_ACCESS_TOKEN ghcr.io/github/github-mcp-server' });
    expect(claude.body.relationships).toHaveLength(1);

    const cursorDocker = await importConfig('cursor.mcp.github-docker.json');
    expect(cursorDocker.body.servers[0]).toMatchObject({ assetId: claude.body.servers[0].assetId, status: 'unchanged' });

    const vscode = await importConfig('vscode.mcp.github-remote.json');
    expect(vscode.body.format).toBe('servers');
    const cursorRemote = await importConfig('cursor.mcp.github-remote.json');
    const windsurf = await importConfig('windsurf.mcp_config.github-remote.json');
    expect(cursorRemote.body.servers[0].assetId).toBe(vscode.body.servers[0].assetId);
    expect(windsurf.body.servers[0].assetId).toBe(vscode.body.servers[0].assetId);

    const settings = await importConfig('vscode-settings.multiple-transport.json');
    expect(settings.body.format).toBe('settings.mcp.servers');
    expect(settings.body.servers.map((s: { name: string }) => s.name).sort()).toEqual(['http_server', 'sse_server']);

    const bare = await importConfig('cursor-plugin.context7.mcp.json');
    expect(bare.body.format).toBe('bare');
    const empty = await importConfig('vscode-settings.empty-mcp.json');
    expect(empty.status).toBe(201);
    expect(empty.body.servers).toEqual([]);
    const twoStdio = await importConfig('mcpservers.two-stdio-servers.json');
    expect(twoStdio.body.servers.map((s: { identity: string }) => s.identity)).toEqual([
      'stdio:uv run python tests/mcp_servers/weather_server.py',
      'stdio:uv run python tests/mcp_servers/math_server.py',
    ]);

    const github = await waitForAsset(ctx, claude.body.servers[0].assetId);
    expect(github.body.kind).toBe('mcp-server');
    expect(github.body.attributes.envNames).toEqual(['GITHUB_PERSONAL_ACCESS_TOKEN']);
    expect(JSON.stringify(github.body)).not.toContain('YOUR_GITHUB_PAT');
    const remote = await waitForAsset(ctx, vscode.body.servers[0].assetId, 1);
    expect(remote.body.attributes.secretInputs).toEqual(['github_mcp_pat']);
    expect(remote.body.attributes.headerNames).toEqual(['Authorization']);
    expect(JSON.stringify(remote.body)).not.toContain('Bearer');

    const uses = await waitFor('uses relationship projected', () => ctx.call(`/v1/relationships?assetId=${agent.assetId}`), (r) => r.body.relationships.length === 1);
    expect(uses.body.relationships[0]).toMatchObject({ type: 'uses', source: 'imported', toId: claude.body.servers[0].assetId });
  });

  it('imports server.json manifests and rejects invalid ones with the field', async () => {
    const github = await ctx.call('/v1/imports/server-json', { method: 'POST', body: { document: fixture('servers/github-mcp-server.server.json'), environment: 'prod' } });
    expect(github.status).toBe(201);
    const asset = await waitForAsset(ctx, github.body.server.assetId);
    expect(asset.body.labels['version-resolved']).toBe('false');
    expect(asset.body.assetVersion).toBeNull();
    expect(asset.body.externalRefs['mcp.registryName']).toBe('io.github.github/github-mcp-server');

    const airtable = await ctx.call('/v1/imports/server-json', { method: 'POST', body: { document: fixture('servers/airtable-mcp-server.server.json') } });
    expect(airtable.status).toBe(201);
    expect(airtable.body.warnings).toEqual([{ path: '/packages/2/fileSha256', message: 'must match pattern "^[a-f0-9]{64}$"' }]);

    const context7 = await ctx.call('/v1/imports/server-json', { method: 'POST', body: { document: fixture('servers/context7.server.json') } });
    const context7Asset = await waitForAsset(ctx, context7.body.server.assetId);
    expect(context7Asset.body.assetVersion).toBe('2.0.0');
    expect(context7Asset.body.attributes.packages[0].environmentVariables).toEqual([{ name: 'CONTEXT7_API_KEY', isSecret: true, isRequired: false }]);

    const latest = await ctx.call('/v1/imports/server-json', { method: 'POST', body: { document: fixture('invalid/package-version-latest.json') } });
    expect(latest.status).toBe(400);
    expect(latest.body.field).toBe('document/packages/0/version');
    const badName = await ctx.call('/v1/imports/server-json', { method: 'POST', body: { document: fixture('invalid/bad-name-pattern.json') } });
    expect(badName.status).toBe(400);
    expect(badName.body.field).toBe('document/name');
  });

  it('pins tool definitions and records drift with the diff', async () => {
    const server = (await ctx.call('/v1/imports/server-json', { method: 'POST', body: { document: fixture('servers/playwright-mcp.server.json'), environment: 'prod' } })).body.server;
    const tools = fixture('tools-list.support-tools.json');

    const first = await ctx.call(`/v1/assets/${server.assetId}/tools`, { method: 'POST', body: { document: tools } });
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('pinned');
    const refund = first.body.tools.find((t: { name: string }) => t.name === 'refund_order');

    const again = await ctx.call(`/v1/assets/${server.assetId}/tools`, { method: 'POST', body: { document: tools } });
    expect(again.body.status).toBe('unchanged');

    const widened = structuredClone(tools);
    widened.tools[1].inputSchema.properties.amountCents.maximum = 1000000;
    widened.tools.push({ name: 'delete_customer', inputSchema: { type: 'object' } });
    const drift = await ctx.call(`/v1/assets/${server.assetId}/tools`, { method: 'POST', body: { document: widened } });
    expect(drift.body.status).toBe('drift-recorded');
    expect(drift.body.diff.addedTools).toEqual(['delete_customer']);
    expect(drift.body.diff.changedTools).toEqual([{ name: 'refund_order', changedFields: ['inputSchema'], pinnedHash: refund.hash, observedHash: expect.any(String) }]);
    expect(drift.body.toolSetHash).toBe(first.body.toolSetHash);

    const history = await ctx.call(`/v1/assets/${server.assetId}/history`);
    expect(history.body.events.map((e: { type: string }) => e.type)).toContain('inventory.tool-definition.drifted');

    const accepted = await ctx.call(`/v1/assets/${server.assetId}/tools`, { method: 'POST', body: { document: widened, acceptChanges: true } });
    expect(accepted.body.status).toBe('drift-accepted');
    const refundAsset = await waitFor('refund_order re-pinned', () => ctx.call(`/v1/assets/${refund.toolId}`), (r) => r.status === 200 && r.body.definitionHash === drift.body.diff.changedTools[0].observedHash);
    expect(refundAsset.body.attributes.sideEffect).toBe(true);
  });
});
