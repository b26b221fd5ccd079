import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AssetRegisteredV1, AssetRetiredV1, AssetSnapshot, AssetUpdatedV1 } from '@estate/contracts';
import type { Principal } from '@estate/access';
import { AppError } from '@estate/service-kit';
import { AggregateChange, EventStore } from '../store/event-store';
import { decideRegister, decideRetire, decideUpdate } from './asset-decider';
import { RegisterAssetRequest, RetireAssetRequest, UpdateAssetRequest } from './asset.dto';

export const changedBy = (principal: Principal): string => `api-key:${principal.keyId}`;
export const newAssetId = (): string => `ast_${randomUUID()}`;

/** Builds the write for a new or changed asset; imports batch several of these into one transaction. */
export function assetChange(tenantId: string, snapshot: AssetSnapshot, type: string, payload: object, by: string): AggregateChange {
  return {
    tenantId,
    aggregateId: snapshot.assetId,
    aggregateType: 'asset',
    kind: snapshot.kind,
    name: snapshot.name,
    expectedVersion: snapshot.version - 1,
    state: snapshot,
    event: { type, payload, key: snapshot.assetId, changedBy: by },
  };
}

/** Register, update and retire: load, decide, append. */
@Injectable()
export class AssetCommands {
  constructor(private readonly store: EventStore) {}

  async register(principal: Principal, request: RegisterAssetRequest): Promise<AssetSnapshot> {
    const asset = decideRegister(request, newAssetId);
    const by = changedBy(principal);
    await this.store.append([assetChange(principal.tenantId, asset, AssetRegisteredV1.type, { asset, changedBy: by }, by)]);
    return asset;
  }

  async update(principal: Principal, assetId: string, request: UpdateAssetRequest): Promise<{ asset: AssetSnapshot; changedFields: string[] }> {
    const current = await this.loadAsset(principal.tenantId, assetId);
    if (current.version !== request.expectedVersion) throw staleVersion(assetId, current.version, request.expectedVersion);
    const { next, changedFields } = decideUpdate(current, request);
    if (changedFields.length === 0) return { asset: current, changedFields };
    const by = changedBy(principal);
    await this.store.append([assetChange(principal.tenantId, next, AssetUpdatedV1.type, { asset: next, changedBy: by, changedFields }, by)]);
    return { asset: next, changedFields };
  }

  async retire(principal: Principal, assetId: string, request: RetireAssetRequest): Promise<AssetSnapshot> {
    const current = await this.loadAsset(principal.tenantId, assetId);
    if (current.version !== request.expectedVersion) throw staleVersion(assetId, current.version, request.expectedVersion);
    const next = decideRetire(current);
    const by = changedBy(principal);
    await this.store.append([assetChange(principal.tenantId, next, AssetRetiredV1.type, { asset: next, changedBy: by, reason: request.reason }, by)]);
    return next;
  }

  async loadAsset(tenantId: string, assetId: string): Promise<AssetSnapshot> {
    const stored = await this.store.load<AssetSnapshot>(tenantId, assetId);
    if (!stored || !('assetId' in stored.state)) throw new AppError('not_found', `asset ${assetId} does not exist in this tenant`, 'id');
    return stored.state;
  }
}

export function staleVersion(id: string, current: number, expected: number): AppError {
  return new AppError('version_conflict', `${id} is at version ${current}, not ${expected}; read it again and retry with its current version`, 'expectedVersion');
}
