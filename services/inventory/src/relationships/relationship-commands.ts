import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  AssetSnapshot,
  RelationshipDeclaredV1,
  RelationshipEndedV1,
  RelationshipObservedV1,
  RelationshipSnapshot,
  RelationshipSource,
  RelationshipType,
} from '@estate/contracts';
import type { Principal } from '@estate/access';
import { checkRelationship } from '@estate/estate-graph';
import { AppError } from '@estate/service-kit';
import { changedBy, staleVersion } from '../assets/asset-commands';
import { AggregateChange, EventStore } from '../store/event-store';
import { DeclareRelationshipRequest, EndRelationshipRequest } from './relationship.dto';

/**
 * One relationship per (type, from, to): declaring it again, or seeing it
 * at runtime, refreshes `lastSeenAt` on the same aggregate instead of
 * adding a duplicate edge.
 */
export function relationshipId(type: RelationshipType, fromId: string, toId: string): string {
  return `rel_${createHash('sha256').update(`${type}\u0000${fromId}\u0000${toId}`).digest('hex').slice(0, 32)}`;
}

/** Builds the write that declares or refreshes a relationship between two known assets. */
export function relationshipChange(
  tenantId: string,
  current: RelationshipSnapshot | undefined,
  type: RelationshipType,
  from: AssetSnapshot,
  to: AssetSnapshot,
  source: RelationshipSource,
  by: string,
  at: string,
  validUntil?: string,
): AggregateChange {
  const problem = checkRelationship(type, from.kind, to.kind);
  if (problem) throw new AppError('invalid_argument', problem, 'type');
  if (from.lifecycle === 'retired' || to.lifecycle === 'retired') {
    throw new AppError('conflict', `cannot relate retired assets (${from.lifecycle === 'retired' ? from.assetId : to.assetId} is retired)`);
  }
  const reopened = current?.endedAt !== undefined;
  const relationship: RelationshipSnapshot = {
    relationshipId: relationshipId(type, from.assetId, to.assetId),
    type,
    fromId: from.assetId,
    fromKind: from.kind,
    toId: to.assetId,
    toKind: to.kind,
    // A runtime sighting never downgrades what a person declared.
    source: current && !reopened && source === 'observed' ? current.source : source,
    version: (current?.version ?? 0) + 1,
    firstSeenAt: current && !reopened ? current.firstSeenAt : at,
    lastSeenAt: at,
  };
  const until = validUntil ?? (reopened ? undefined : current?.validUntil);
  if (until) relationship.validUntil = until;
  const eventType = source === 'observed' ? RelationshipObservedV1.type : RelationshipDeclaredV1.type;
  return {
    tenantId,
    aggregateId: relationship.relationshipId,
    aggregateType: 'relationship',
    kind: type,
    name: `${from.assetId} ${type} ${to.assetId}`,
    expectedVersion: current?.version ?? 0,
    state: relationship,
    event: { type: eventType, payload: { relationship, changedBy: by }, key: relationship.fromId, changedBy: by },
  };
}

@Injectable()
export class RelationshipCommands {
  constructor(private readonly store: EventStore) {}

  async declare(principal: Principal, request: DeclareRelationshipRequest, now = new Date()): Promise<RelationshipSnapshot> {
    if (request.fromId === request.toId) throw new AppError('invalid_argument', `a ${request.type} relationship cannot start and end at the same asset (${request.fromId}); fromId and toId must differ`, 'toId');
    if (request.validUntil && Date.parse(request.validUntil) <= now.getTime()) {
      throw new AppError('invalid_argument', `validUntil ${request.validUntil} has already passed; give a future time, or end the relationship with POST /v1/relationships/{id}/end`, 'validUntil');
    }
    const assets = await this.store.loadMany<AssetSnapshot>(principal.tenantId, [request.fromId, request.toId]);
    const from = assets.get(request.fromId)?.state;
    const to = assets.get(request.toId)?.state;
    if (!from?.assetId) throw new AppError('not_found', `asset ${request.fromId} does not exist in this tenant`, 'fromId');
    if (!to?.assetId) throw new AppError('not_found', `asset ${request.toId} does not exist in this tenant`, 'toId');
    const id = relationshipId(request.type, from.assetId, to.assetId);
    const current = (await this.store.load<RelationshipSnapshot>(principal.tenantId, id))?.state;
    const change = relationshipChange(principal.tenantId, current, request.type, from, to, 'declared', changedBy(principal), now.toISOString(), request.validUntil);
    await this.store.append([change]);
    return change.state as RelationshipSnapshot;
  }

  async end(principal: Principal, id: string, request: EndRelationshipRequest, now = new Date()): Promise<RelationshipSnapshot> {
    const current = (await this.store.load<RelationshipSnapshot>(principal.tenantId, id))?.state;
    if (!current?.relationshipId) throw new AppError('not_found', `relationship ${id} does not exist in this tenant`, 'id');
    if (current.version !== request.expectedVersion) throw staleVersion(id, current.version, request.expectedVersion);
    if (current.endedAt) throw new AppError('conflict', `relationship ${id} already ended at ${current.endedAt}`);
    const relationship: RelationshipSnapshot = { ...current, version: current.version + 1, endedAt: now.toISOString() };
    const by = changedBy(principal);
    await this.store.append([
      {
        tenantId: principal.tenantId,
        aggregateId: id,
        aggregateType: 'relationship',
        kind: current.type,
        name: `${current.fromId} ${current.type} ${current.toId}`,
        expectedVersion: current.version,
        state: relationship,
        event: { type: RelationshipEndedV1.type, payload: { relationship, changedBy: by, reason: request.reason }, key: current.fromId, changedBy: by },
      },
    ]);
    return relationship;
  }
}
