import { ImportIssue, ImportRejected, isPlainObject } from './import-error';
import { redactArgs, redactUrl } from './credentials';

export type McpTransport = 'stdio' | 'http' | 'sse' | 'streamable-http';

/** Client config layouts, named by where the server map sits. */
export type ClientConfigFormat = 'mcpServers' | 'servers' | 'settings.mcp.servers' | 'bare';

/**
 * One MCP server entry of a client config. Environment variable and
 * header values are never kept: only their names, since client configs put
 * tokens there.
 */
export interface ClientServerEntry {
  name: string;
  transport: McpTransport;
  command?: string;
  args: string[];
  url?: string;
  envNames: string[];
  headerNames: string[];
  /** VS Code `inputs` ids the entry refers to with `${input:id}`; their values live in the editor, not the file. */
  inputIds: string[];
}

export interface ParsedClientConfig {
  format: ClientConfigFormat;
  servers: ClientServerEntry[];
  /** Declared VS Code inputs, with whether the editor treats each as a password. */
  inputs: Array<{ id: string; password: boolean }>;
}

/**
 * Parses the MCP client configurations people use: Claude Desktop, Claude
 * Code and Cursor (`mcpServers`), VS Code `.vscode/mcp.json` (`servers` plus
 * `inputs`), VS Code `settings.json` (`mcp.servers`), Windsurf (`serverUrl`
 * instead of `url`) and plugin files with no wrapper at all. Rejects the
 * whole file, naming every bad entry, rather than importing part of it.
 */
export function parseClientConfig(document: unknown): ParsedClientConfig {
  if (!isPlainObject(document)) throw new ImportRejected('an MCP client config must be a JSON object');
  const { format, map, pointer } = locateServers(document);
  const issues: ImportIssue[] = [];
  const servers: ClientServerEntry[] = [];
  for (const [name, entry] of Object.entries(map)) {
    const parsed = parseEntry(name, entry, `${pointer}/${name}`, issues);
    if (parsed) servers.push(parsed);
  }
  if (issues.length > 0) throw new ImportRejected(`MCP client config is invalid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
  return { format, servers, inputs: parseInputs(document.inputs) };
}

function locateServers(document: Record<string, unknown>): { format: ClientConfigFormat; map: Record<string, unknown>; pointer: string } {
  if (isPlainObject(document.mcpServers)) return { format: 'mcpServers', map: document.mcpServers, pointer: '/mcpServers' };
  if (isPlainObject(document.servers)) return { format: 'servers', map: document.servers, pointer: '/servers' };
  if (isPlainObject(document.mcp)) {
    const servers = isPlainObject(document.mcp.servers) ? document.mcp.servers : {};
    return { format: 'settings.mcp.servers', map: servers, pointer: '/mcp/servers' };
  }
  const entries = Object.entries(document).filter(([key]) => !key.startsWith('$'));
  if (entries.length > 0 && entries.every(([, value]) => looksLikeServer(value))) {
    return { format: 'bare', map: Object.fromEntries(entries), pointer: '' };
  }
  throw new ImportRejected(
    'no MCP servers found: expected a "mcpServers", "servers" or "mcp.servers" object, or a map of server names to entries with "command" or "url"',
  );
}

function looksLikeServer(value: unknown): boolean {
  return isPlainObject(value) && (typeof value.command === 'string' || typeof value.url === 'string' || typeof value.serverUrl === 'string');
}

function parseEntry(name: string, entry: unknown, pointer: string, issues: ImportIssue[]): ClientServerEntry | undefined {
  if (!isPlainObject(entry)) {
    issues.push({ path: pointer, message: 'server entry must be an object' });
    return undefined;
  }
  let url: string | undefined;
  if (typeof entry.url === 'string') url = redactUrl(entry.url);
  else if (typeof entry.serverUrl === 'string') url = redactUrl(entry.serverUrl);
  const command = typeof entry.command === 'string' ? entry.command : undefined;
  if (!url && !command) {
    issues.push({ path: pointer, message: 'server entry needs "command" (stdio) or "url"/"serverUrl" (remote)' });
    return undefined;
  }
  const declaredType = typeof entry.type === 'string' ? entry.type : undefined;
  const transport = transportOf(declaredType, command, url);
  if (!transport) {
    issues.push({ path: `${pointer}/type`, message: `unknown transport "${declaredType}"; expected stdio, http, sse or streamable-http` });
    return undefined;
  }
  const args = Array.isArray(entry.args) ? redactArgs(entry.args.map(String)) : [];
  const envNames = isPlainObject(entry.env) ? Object.keys(entry.env).sort() : [];
  const headerNames = isPlainObject(entry.headers) ? Object.keys(entry.headers).sort() : [];
  const inputIds = [...JSON.stringify(entry).matchAll(/\$\{input:([^}]+)\}/g)].map((m) => m[1]);
  return { name, transport, command, args, url, envNames, headerNames, inputIds: [...new Set(inputIds)].sort() };
}

/** Clients omit `type` for stdio (a command) and for remote servers (a URL, streamable HTTP unless the path ends in /sse). */
function transportOf(declared: string | undefined, command: string | undefined, url: string | undefined): McpTransport | undefined {
  if (declared === undefined) {
    if (command) return 'stdio';
    return url && /\/sse\/?$/.test(url) ? 'sse' : 'streamable-http';
  }
  const known: McpTransport[] = ['stdio', 'http', 'sse', 'streamable-http'];
  return known.includes(declared as McpTransport) ? (declared as McpTransport) : undefined;
}

function parseInputs(value: unknown): Array<{ id: string; password: boolean }> {
  if (!Array.isArray(value)) return [];
  return value.filter(isPlainObject).filter((i) => typeof i.id === 'string').map((i) => ({ id: i.id as string, password: i.password === true }));
}

/**
 * Returns the identity of a server across clients: the same command line or the
 * same URL is the same server, whatever each client calls it. HTTP and
 * streamable HTTP are one transport under two names.
 */
export function serverIdentity(entry: Pick<ClientServerEntry, 'transport' | 'command' | 'args' | 'url'>): string {
  if (entry.url) return `remote:${entry.url.replace(/\/+$/, '')}`;
  return `stdio:${[entry.command ?? '', ...entry.args].join(' ')}`;
}
