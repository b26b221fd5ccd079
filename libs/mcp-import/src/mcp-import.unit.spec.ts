import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseClientConfig, serverIdentity } from './client-config';
import { ImportRejected } from './import-error';
import { parseServerJson } from './server-json';
import { diffToolSets, parseToolList, pinTool, toolSetHash } from './tool-list';

const FIXTURES = join(__dirname, '../../../services/inventory/test/fixtures/mcp');
const fixture = (path: string) => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));

describe('client config parsing', () => {
  it('keeps env names and drops their values', () => {
    const parsed = parseClientConfig(fixture('client-configs/claude_desktop_config.github-docker.json'));
    expect(parsed.servers[0].envNames).toEqual(['GITHUB_PERSONAL_ACCESS_TOKEN']);
    expect(JSON.stringify(parsed)).not.toContain('YOUR_GITHUB_PAT');
  });

  it('redacts credentials in arguments and URLs before anything is kept', () => {
    const parsed = parseClientConfig({
      mcpServers: {
        local: { command: 'npx', args: ['-y', 'fu-sec-server', '--token', 'sk-live-SECRET123', '--api-key=abc123', 'ghp_0123456789abcdefghijABCDEFGHIJ', '--port', '8080'] },
        remote: { url: 'https://user:pw@mcp.example.com/sse?api_key=SECRETQ&region=eu' },
      },
    });
    const [local, remote] = parsed.servers;
    expect(local.args).toEqual(['-y', 'fu-sec-server', '--token', '[redacted]', '--api-key=[redacted]', '[redacted]', '--port', '8080']);
    expect(remote.url).toBe('https://[redacted]@mcp.example.com/sse?api_key=[redacted]&region=eu');
    const text = JSON.stringify(parsed) + serverIdentity(local) + serverIdentity(remote);
    for (const secret of ['SECRET123', 'abc123', 'ghp_0123', 'pw@', 'SECRETQ']) expect(text).not.toContain(secret);
  });

  it('reads Windsurf serverUrl as a remote server', () => {
    const [server] = parseClientConfig(fixture('client-configs/windsurf.mcp_config.github-remote.json')).servers;
    expect(server.transport).toBe('streamable-http');
    expect(serverIdentity(server)).toBe('remote:https://api.githubcopilot.com/mcp');
  });

  it('rejects a file with no servers', () => {
    expect(() => parseClientConfig({ editor: { theme: 'dark' } })).toThrow(ImportRejected);
  });

  it('rejects an unknown transport by its path', () => {
    try {
      parseClientConfig({ mcpServers: { x: { type: 'carrier-pigeon', url: 'https://x' } } });
      throw new Error('expected a rejection');
    } catch (error) {
      expect((error as ImportRejected).issues).toEqual([{ path: '/mcpServers/x/type', message: expect.stringContaining('carrier-pigeon') }]);
    }
  });
});

describe('server.json parsing', () => {
  it('dispatches on $schema and reports unknown schemas', () => {
    expect(parseServerJson(fixture('servers/airtable-mcp-server.server.json')).schema).toContain('2025-10-17');
    expect(() => parseServerJson({ ...fixture('servers/context7.server.json'), $schema: 'https://example.org/other.json' })).toThrow(/unknown \$schema/);
  });

  it('marks unresolved version templates', () => {
    const github = parseServerJson(fixture('servers/github-mcp-server.server.json'));
    expect(github.versionResolved).toBe(false);
    expect(github.remotes[0].headerNames).toEqual(['Authorization']);
  });
});

describe('tool pinning', () => {
  const tools = fixture('tools-list.support-tools.json');

  it('hashes independent of key order', () => {
    const reordered = { ...tools.tools[0], inputSchema: { required: ['query'], properties: tools.tools[0].inputSchema.properties, type: 'object' } };
    expect(pinTool(reordered).hash).toBe(pinTool(tools.tools[0]).hash);
  });

  it('catches a rename, an addition and a widened schema', () => {
    const pinned = parseToolList(tools).map(pinTool);
    const changed = structuredClone(tools);
    changed.tools[0].name = 'find_tickets';
    changed.tools[1].inputSchema.properties.amountCents.maximum = 99999999;
    const observed = parseToolList(changed).map(pinTool);
    const diff = diffToolSets(new Map(pinned.map((t) => [t.definition.name, t])), observed);
    expect(diff.addedTools).toEqual(['find_tickets']);
    expect(diff.removedTools).toEqual(['search_tickets']);
    expect(diff.changedTools.map((c) => [c.name, c.changedFields])).toEqual([['refund_order', ['inputSchema']]]);
    expect(toolSetHash(observed)).not.toBe(toolSetHash(pinned));
  });

  it('rejects duplicate tool names', () => {
    expect(() => parseToolList({ tools: [tools.tools[0], tools.tools[0]] })).toThrow('tool name "search_tickets" appears twice');
  });
});
