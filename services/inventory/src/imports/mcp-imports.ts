import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { AssetSnapshot, RelationshipSnapshot } from '@estate/contracts';
import type { Principal } from '@estate/access';
import { ClientServerEntry, ImportRejected, parseClientConfig, parseServerJson, serverIdentity } from '@estate/mcp-import';
import { AppError, PG_POOL, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import { changedBy } from '../assets/asset-commands';
import { relationshipChange, relationshipId } from '../relationships/relationship-commands';
import { AggregateChange, EventStore } from '../store/event-store';
import { ImportMcpConfigRequest, ImportServerJsonRequest } from './import.dto';
import { findServerByIdentity, ServerFields, serverUpsert, UpsertStatus } from './server-upsert';

export interface ImportedServer {
  assetId: string;
  name: string;
  identity: string;
  status: UpsertStatus;
}

/** Turns a parser rejection into the shared 400 body, with each problem's JSON pointer as a detail. */
export function rejectImport(error: unknown): never {
  if (error instanceof ImportRejected) {
    const details = error.issues.length > 0 ? error.issues.map((i) => ({ field: `document${i.path}`, message: i.message })) : [{ field: 'document', message: error.message }];
    throw new BadRequestException({ message: error.message, details });
  }
  throw error;
}

/**
 * Imports MCP client configs and registry server.json manifests as MCP
 * server assets. Each import is one transaction: every server it names is
 * created or updated, or nothing is. Secret values (env values, header
 * values, VS Code inputs) are never read into the inventory: only the names.
 */
@Injectable()
export class McpImports {
  constructor(
    private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
  ) {}

  async importClientConfig(principal: Principal, request: ImportMcpConfigRequest): Promise<{ format: string; servers: ImportedServer[]; relationships: string[] }> {
    let parsed;
    try {
      parsed = parseClientConfig(request.document);
    } catch (error) {
      rejectImport(error);
    }
    const agent = request.clientAgentId ? await this.loadAgent(principal.tenantId, request.clientAgentId) : undefined;
    const passwordInputs = new Set(parsed.inputs.filter((i) => i.password).map((i) => i.id));
    const servers = await this.upsertAll(
      principal,
      parsed.servers.map((entry) => ({ identity: serverIdentity(entry), fields: clientServerFields(entry, parsed.format, request, passwordInputs) })),
    );
    const relationships = agent ? await this.declareUses(principal, agent, servers.assets) : [];
    await this.store.append([...servers.changes, ...relationships]);
    return { format: parsed.format, servers: servers.results, relationships: relationships.map((r) => r.aggregateId) };
  }

  async importServerJson(principal: Principal, request: ImportServerJsonRequest): Promise<{ server: ImportedServer; warnings: unknown[] }> {
    let description;
    try {
      description = parseServerJson(request.document);
    } catch (error) {
      rejectImport(error);
    }
    const identity = `registry:${description.name}`;
    const remote = description.remotes[0];
    const servers = await this.upsertAll(principal, [
      {
        identity,
        fields: {
          name: description.title ?? description.name,
          purpose: description.description,
          assetVersion: description.versionResolved ? description.version : undefined,
          environment: request.environment,
          ownerTeam: request.ownerTeam,
          labels: { source: 'mcp-registry-server-json', 'version-resolved': String(description.versionResolved) },
          externalRefs: {
            'mcp.identity': identity,
            'mcp.registryName': description.name,
            ...(remote ? { 'mcp.url': remote.url } : {}),
            ...(description.repositoryUrl ? { 'mcp.repository': description.repositoryUrl } : {}),
          },
          attributes: { schema: description.schema, declaredVersion: description.version, packages: description.packages, remotes: description.remotes },
        },
      },
    ]);
    await this.store.append(servers.changes);
    return { server: servers.results[0], warnings: description.warnings };
  }

  private async upsertAll(principal: Principal, entries: Array<{ identity: string; fields: ServerFields }>) {
    const by = changedBy(principal);
    const seen = new Map<string, AssetSnapshot>();
    const changes: AggregateChange[] = [];
    const results: ImportedServer[] = [];
    for (const { identity, fields } of entries) {
      // Two names for one command line or URL in the same file are one server.
      const existing = seen.get(identity) ?? (await findServerByIdentity(this.pool, this.options.schema, principal.tenantId, identity));
      const upsert = serverUpsert(principal.tenantId, existing && seen.has(identity) ? undefined : existing, fields, by);
      if (seen.has(identity)) {
        results.push({ assetId: seen.get(identity)!.assetId, name: fields.name, identity, status: 'unchanged' });
        continue;
      }
      if (upsert.change) changes.push(upsert.change);
      seen.set(identity, upsert.asset);
      results.push({ assetId: upsert.asset.assetId, name: upsert.asset.name, identity, status: upsert.status });
    }
    return { changes, results, assets: [...seen.values()] };
  }

  private async loadAgent(tenantId: string, agentId: string): Promise<AssetSnapshot> {
    const agent = (await this.store.load<AssetSnapshot>(tenantId, agentId))?.state;
    if (!agent?.assetId) throw new AppError('not_found', `agent ${agentId} does not exist in this tenant`, 'clientAgentId');
    if (agent.kind !== 'agent') throw new AppError('invalid_argument', `clientAgentId must name an agent, but ${agentId} is of kind ${agent.kind}`, 'clientAgentId');
    return agent;
  }

  private async declareUses(principal: Principal, agent: AssetSnapshot, servers: AssetSnapshot[]): Promise<AggregateChange[]> {
    const at = new Date().toISOString();
    const changes: AggregateChange[] = [];
    for (const server of servers) {
      const current = (await this.store.load<RelationshipSnapshot>(principal.tenantId, relationshipId('uses', agent.assetId, server.assetId)))?.state;
      changes.push(relationshipChange(principal.tenantId, current, 'uses', agent, server, 'imported', changedBy(principal), at));
    }
    return changes;
  }
}

function clientServerFields(entry: ClientServerEntry, format: string, request: ImportMcpConfigRequest, passwordInputs: Set<string>): ServerFields {
  const location: Record<string, string> = entry.url ? { 'mcp.url': entry.url } : { 'mcp.command': [entry.command, ...entry.args].join(' ') };
  return {
    name: entry.name,
    environment: request.environment,
    ownerTeam: request.ownerTeam,
    labels: { source: 'mcp-client-config', 'config.format': format, ...(request.sourceName ? { 'config.source': request.sourceName } : {}) },
    externalRefs: { 'mcp.identity': serverIdentity(entry), ...location },
    attributes: {
      transport: entry.transport,
      command: entry.command ?? null,
      args: entry.args,
      envNames: entry.envNames,
      headerNames: entry.headerNames,
      secretInputs: entry.inputIds.filter((id) => passwordInputs.has(id)),
    },
  };
}
