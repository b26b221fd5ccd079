import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  AssetRegisteredV1,
  AssetSnapshot,
  AssetUpdatedV1,
  RelationshipEndedV1,
  RelationshipSnapshot,
  ToolDefinitionDriftedV1,
  ToolDefinitionPinnedV1,
} from '@estate/contracts';
import type { Principal } from '@estate/access';
import { diffToolSets, hasSideEffect, isEmptyDiff, parseToolList, PinnedTool, pinTool, toolSetHash, ToolSetDiff } from '@estate/mcp-import';
import { AppError } from '@estate/service-kit';
import { assetChange, changedBy } from '../assets/asset-commands';
import { relationshipChange, relationshipId } from '../relationships/relationship-commands';
import { AggregateChange, EventStore } from '../store/event-store';
import { ImportToolListRequest } from './import.dto';
import { rejectImport } from './mcp-imports';

/** What the server asset stores of its pinned tool set, under `attributes.toolSet`. */
interface StoredToolSet {
  hash: string;
  /** The observed set hash of the last drift recorded, so re-importing the same drift records it once. */
  lastDriftHash?: string;
  tools: Record<string, { toolId: string; hash: string; fieldHashes: Record<string, string> }>;
}

export const toolAssetId = (serverId: string, toolName: string): string =>
  `tool_${createHash('sha256').update(`${serverId}\u0000${toolName}`).digest('hex').slice(0, 32)}`;

/**
 * Imports a server's tools/list result. The first import registers a tool
 * asset per tool, pins each definition hash and the tool-set hash, and
 * declares `exposes` relationships. A later import with a different set
 * records `inventory.tool-definition.drifted` with the diff on the server;
 * with `acceptChanges` it also re-pins changed tools, registers added ones
 * and ends `exposes` for removed ones. One transaction per import.
 */
@Injectable()
export class ToolImports {
  constructor(private readonly store: EventStore) {}

  async importToolList(principal: Principal, serverId: string, request: ImportToolListRequest) {
    let observed: PinnedTool[];
    try {
      observed = parseToolList(request.document).map(pinTool);
    } catch (error) {
      rejectImport(error);
    }
    const server = (await this.store.load<AssetSnapshot>(principal.tenantId, serverId))?.state;
    if (!server?.assetId) throw new AppError('not_found', `MCP server ${serverId} does not exist in this tenant`, 'id');
    if (server.kind !== 'mcp-server') throw new AppError('invalid_argument', `tools can only be imported for an mcp-server, but ${serverId} is of kind ${server.kind}`, 'id');

    const by = changedBy(principal);
    const at = new Date().toISOString();
    const observedHash = toolSetHash(observed);
    const pinned = server.attributes.toolSet as StoredToolSet | undefined;
    if (!pinned) {
      const changes = await this.pinTools(principal.tenantId, server, observed, observed, observedHash, by, at);
      await this.store.append(changes);
      return { status: 'pinned', toolSetHash: observedHash, tools: observed.map((t) => ({ name: t.definition.name, toolId: toolAssetId(serverId, t.definition.name), hash: t.hash })) };
    }

    const diff = diffToolSets(new Map(Object.entries(pinned.tools)), observed);
    if (isEmptyDiff(diff)) return { status: 'unchanged', toolSetHash: pinned.hash, diff };
    if (!request.acceptChanges && pinned.lastDriftHash === observedHash) return { status: 'drift-already-recorded', toolSetHash: pinned.hash, observedToolSetHash: observedHash, diff };

    const accepted = request.acceptChanges === true;
    const toolSet: StoredToolSet = accepted ? toStoredToolSet(server.assetId, observed, observedHash) : { ...pinned, lastDriftHash: observedHash };
    const nextServer: AssetSnapshot = { ...server, version: server.version + 1, attributes: { ...server.attributes, toolSet } };
    const changes: AggregateChange[] = [
      assetChange(principal.tenantId, nextServer, ToolDefinitionDriftedV1.type, {
        asset: nextServer, changedBy: by, pinnedToolSetHash: pinned.hash, observedToolSetHash: observedHash, diff, accepted,
      }, by),
    ];
    if (accepted) {
      const repinned = observed.filter((t) => diff.addedTools.includes(t.definition.name) || diff.changedTools.some((c) => c.name === t.definition.name));
      changes.push(...(await this.pinTools(principal.tenantId, nextServer, repinned, observed, observedHash, by, at, false)));
      changes.push(...(await this.endRemoved(principal.tenantId, server.assetId, diff, by, at)));
    }
    await this.store.append(changes);
    return { status: accepted ? 'drift-accepted' : 'drift-recorded', toolSetHash: accepted ? observedHash : pinned.hash, observedToolSetHash: observedHash, diff };
  }

  /** Registers or re-pins `tools`; when `updateServer` is set also stores the tool set on the server. */
  private async pinTools(
    tenantId: string, server: AssetSnapshot, tools: PinnedTool[], wholeSet: PinnedTool[], setHash: string, by: string, at: string, updateServer = true,
  ): Promise<AggregateChange[]> {
    const changes: AggregateChange[] = [];
    if (updateServer) {
      const nextServer: AssetSnapshot = { ...server, version: server.version + 1, attributes: { ...server.attributes, toolSet: toStoredToolSet(server.assetId, wholeSet, setHash) } };
      changes.push(assetChange(tenantId, nextServer, AssetUpdatedV1.type, { asset: nextServer, changedBy: by, changedFields: ['attributes'] }, by));
    }
    for (const tool of tools) {
      const toolId = toolAssetId(server.assetId, tool.definition.name);
      const existing = (await this.store.load<AssetSnapshot>(tenantId, toolId))?.state;
      let current = existing;
      if (!current) {
        current = {
          assetId: toolId, kind: 'tool', name: tool.definition.name, version: 1, lifecycle: 'active',
          labels: { source: 'mcp-tools-list' }, externalRefs: { 'mcp.server': server.assetId }, attributes: {},
          ...(server.environment ? { environment: server.environment } : {}),
          ...(server.ownerTeam ? { ownerTeam: server.ownerTeam } : {}),
        };
        changes.push(assetChange(tenantId, current, AssetRegisteredV1.type, { asset: current, changedBy: by }, by));
        changes.push(relationshipChange(tenantId, undefined, 'exposes', server, current, 'imported', by, at));
      }
      const next: AssetSnapshot = {
        ...current,
        version: current.version + 1,
        purpose: current.purpose ?? tool.definition.description?.slice(0, 2000),
        definitionHash: tool.hash,
        attributes: { ...current.attributes, sideEffect: hasSideEffect(tool.definition), annotations: tool.definition.annotations ?? {}, title: tool.definition.title ?? null },
      };
      changes.push(assetChange(tenantId, next, ToolDefinitionPinnedV1.type, { asset: next, changedBy: by, serverId: server.assetId, definitionHash: tool.hash, toolSetHash: setHash }, by));
    }
    return changes;
  }

  private async endRemoved(tenantId: string, serverId: string, diff: ToolSetDiff, by: string, at: string): Promise<AggregateChange[]> {
    const changes: AggregateChange[] = [];
    for (const name of diff.removedTools) {
      const id = relationshipId('exposes', serverId, toolAssetId(serverId, name));
      const current = (await this.store.load<RelationshipSnapshot>(tenantId, id))?.state;
      if (!current || current.endedAt) continue;
      const relationship: RelationshipSnapshot = { ...current, version: current.version + 1, endedAt: at };
      changes.push({
        tenantId, aggregateId: id, aggregateType: 'relationship', kind: current.type, name: `${current.fromId} exposes ${current.toId}`,
        expectedVersion: current.version, state: relationship,
        event: { type: RelationshipEndedV1.type, payload: { relationship, changedBy: by, reason: `tool ${name} is no longer in the server's tools/list` }, key: current.fromId, changedBy: by },
      });
    }
    return changes;
  }
}

function toStoredToolSet(serverId: string, tools: PinnedTool[], hash: string): StoredToolSet {
  return {
    hash,
    tools: Object.fromEntries(tools.map((t) => [t.definition.name, { toolId: toolAssetId(serverId, t.definition.name), hash: t.hash, fieldHashes: t.fieldHashes }])),
  };
}
