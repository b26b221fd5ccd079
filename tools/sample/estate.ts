import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ServiceClient } from './http';
import { assetId, SAMPLE_DATASETS, SAMPLE_OUTPUT_CHANNELS, SAMPLE_TOOLS, SAMPLE_WORKFLOWS } from './estate-spec';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const jsonFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

/** Registers an asset under a stable id; a 409 means an earlier run registered it, which counts as done. */
async function register(client: ServiceClient, asset: Record<string, unknown> & { kind: string; name: string }): Promise<boolean> {
  const { status } = await client.call('inventory', '/v1/assets', { role: 'platform', body: { id: assetId(asset.kind, asset.name), ...asset }, accept: [409] });
  return status !== 409;
}

async function relate(client: ServiceClient, type: string, from: [string, string], to: [string, string]): Promise<void> {
  await client.call('inventory', '/v1/relationships', { role: 'platform', body: { type, fromId: assetId(...from), toId: assetId(...to) } });
}

/** Step 1: MCP client configs and server.json manifests through the import endpoints. Imports are keyed by server identity, so a rerun updates in place. */
export async function importMcp(client: ServiceClient, sampleDir: string): Promise<{ configs: number; manifests: number; servers: number; warnings: number }> {
  const seen = new Set<string>();
  let warnings = 0;
  const configDir = path.join(sampleDir, 'mcp', 'client-configs');
  const configs = jsonFiles(configDir);
  for (const file of configs) {
    const { body } = await client.call<{ servers: Array<{ assetId: string }> }>('inventory', '/v1/imports/mcp-config', {
      role: 'platform', body: { document: readJson(path.join(configDir, file)), sourceName: `data/sample/mcp/client-configs/${file}`, environment: 'dev', ownerTeam: 'developer-experience' },
    });
    body.servers.forEach((s) => seen.add(s.assetId));
  }
  const serverDir = path.join(sampleDir, 'mcp', 'servers');
  const manifests = jsonFiles(serverDir);
  for (const file of manifests) {
    const { body } = await client.call<{ server: { assetId: string }; warnings: unknown[] }>('inventory', '/v1/imports/server-json', {
      role: 'platform', body: { document: readJson(path.join(serverDir, file)), environment: 'prod', ownerTeam: 'platform' },
    });
    seen.add(body.server.assetId);
    warnings += body.warnings.length;
  }
  return { configs: configs.length, manifests: manifests.length, servers: seen.size, warnings };
}

/** Step 1: the workflows, agents, tools, datasets and channels the traces name, and the relationships that make reach paths. */
export async function declareAssets(client: ServiceClient): Promise<{ declared: number; registered: number; relationships: number }> {
  const assets: Array<Record<string, unknown> & { kind: string; name: string }> = [];
  for (const w of SAMPLE_WORKFLOWS) {
    const common = { ownerTeam: w.ownerTeam, environment: w.environment, policyClass: w.policyClass, lifecycle: 'active', labels: { source: 'sample' } };
    assets.push({ kind: 'workflow', name: w.workflow, purpose: w.purpose, ...common });
    assets.push({ kind: 'agent', name: w.agent, purpose: `Agent of the ${w.workflow} workflow`, attributes: { toolScope: w.toolScope }, ...common });
  }
  for (const t of SAMPLE_TOOLS) {
    assets.push({ kind: 'tool', name: t.name, environment: 'prod', ownerTeam: 'platform', attributes: { sideEffects: t.sideEffects }, labels: { source: 'sample' } });
  }
  for (const d of SAMPLE_DATASETS) {
    assets.push({ kind: 'dataset', name: d.name, ownerTeam: d.ownerTeam, environment: d.environment, dataClassification: d.classification, labels: { source: 'sample' } });
  }
  for (const c of SAMPLE_OUTPUT_CHANNELS) {
    assets.push({ kind: 'output-channel', name: c.name, ownerTeam: c.ownerTeam, environment: c.environment, attributes: { customerFacing: c.customerFacing }, labels: { source: 'sample' } });
  }
  let registered = 0;
  for (const asset of assets) if (await register(client, asset)) registered += 1;

  // Declaring an existing relationship only refreshes its last-seen time, so a rerun adds none.
  let relationships = 0;
  for (const w of SAMPLE_WORKFLOWS) {
    await relate(client, 'includes', ['workflow', w.workflow], ['agent', w.agent]);
    relationships += 1;
    for (const tool of w.toolScope) {
      await relate(client, 'calls', ['agent', w.agent], ['tool', tool]);
      relationships += 1;
    }
  }
  for (const t of SAMPLE_TOOLS) {
    if (t.reads) await relate(client, 'reads', ['tool', t.name], ['dataset', t.reads]);
    if (t.writes) await relate(client, 'writes', ['tool', t.name], ['output-channel', t.writes]);
    relationships += Number(Boolean(t.reads)) + Number(Boolean(t.writes));
  }
  return { declared: assets.length, registered, relationships };
}
