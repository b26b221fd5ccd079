import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { ApiKeyStore, Principal } from '@estate/access';
import type { Role } from '@estate/contracts';
import { API_KEY_STORE, AppError, authenticateCall, Public, SERVICE_LOGGER, toRpcException } from '@estate/service-kit';
import type { Logger } from 'pino';
import { AssetCommands } from '../assets/asset-commands';
import { AssetQueries } from '../assets/asset-queries';
import { RegisterAssetRequest, RetireAssetRequest, UpdateAssetRequest } from '../assets/asset.dto';
import { INVENTORY_WRITERS } from '../assets/assets.controller';
import { ReachQueryParams } from '../reach/reach.controller';
import { ReachQueries } from '../reach/reach-queries';
import { DeclareRelationshipRequest } from '../relationships/relationship.dto';
import { RelationshipCommands } from '../relationships/relationship-commands';
import { EventStore } from '../store/event-store';
import { validated } from './grpc-errors';
import { AssetFieldsMessage, assetFieldsFromMessage, assetMessage, reachMessage, relationshipMessage } from './grpc-messages';

const SERVICE = 'InventoryService';
const WRITERS: Role[] = [...INVENTORY_WRITERS];

/**
 * gRPC edge of the inventory, over the same commands and queries as REST.
 * The HTTP guard cannot read gRPC metadata, so each method is public to it
 * and authenticates the `authorization` metadata itself with the same key
 * store and role rules.
 */
@Controller()
export class InventoryGrpcController {
  constructor(
    private readonly commands: AssetCommands,
    private readonly queries: AssetQueries,
    private readonly relationships: RelationshipCommands,
    private readonly reachQueries: ReachQueries,
    private readonly store: EventStore,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  @Public()
  @GrpcMethod(SERVICE, 'RegisterAsset')
  registerAsset(request: { id?: string; kind?: string; name?: string; fields?: AssetFieldsMessage }, metadata: Metadata) {
    return this.handle('RegisterAsset', metadata, WRITERS, async (principal) => {
      const plain = { ...assetFieldsFromMessage(request.fields), id: request.id || undefined, kind: request.kind, name: request.name };
      return assetMessage(await this.commands.register(principal, validated(RegisterAssetRequest, plain, 'RegisterAssetRequest')));
    });
  }

  @Public()
  @GrpcMethod(SERVICE, 'UpdateAsset')
  updateAsset(request: { id?: string; expected_version?: number; name?: string; fields?: AssetFieldsMessage }, metadata: Metadata) {
    return this.handle('UpdateAsset', metadata, WRITERS, async (principal) => {
      const plain = { ...assetFieldsFromMessage(request.fields), expectedVersion: request.expected_version, name: request.name || undefined };
      const result = await this.commands.update(principal, requireId(request.id), validated(UpdateAssetRequest, plain, 'UpdateAssetRequest'));
      return { asset: assetMessage(result.asset), changed_fields: result.changedFields };
    });
  }

  @Public()
  @GrpcMethod(SERVICE, 'RetireAsset')
  retireAsset(request: { id?: string; expected_version?: number; reason?: string }, metadata: Metadata) {
    return this.handle('RetireAsset', metadata, WRITERS, async (principal) => {
      const body = validated(RetireAssetRequest, { expectedVersion: request.expected_version, reason: request.reason }, 'RetireAssetRequest');
      return assetMessage(await this.commands.retire(principal, requireId(request.id), body));
    });
  }

  @Public()
  @GrpcMethod(SERVICE, 'GetAsset')
  getAsset(request: { id?: string }, metadata: Metadata) {
    return this.handle('GetAsset', metadata, undefined, async (principal) => assetMessage(await this.queries.get(principal.tenantId, requireId(request.id))));
  }

  @Public()
  @GrpcMethod(SERVICE, 'ListAssetHistory')
  listAssetHistory(request: { id?: string }, metadata: Metadata) {
    return this.handle('ListAssetHistory', metadata, undefined, async (principal) => {
      const id = requireId(request.id);
      await this.commands.loadAsset(principal.tenantId, id);
      const events = await this.store.history(principal.tenantId, id);
      return {
        asset_id: id,
        events: events.map((e) => ({ event_id: e.eventId, type: e.type, version: e.version, changed_by: e.changedBy, recorded_at: e.recordedAt, payload_json: JSON.stringify(e.payload) })),
      };
    });
  }

  @Public()
  @GrpcMethod(SERVICE, 'DeclareRelationship')
  declareRelationship(request: { type?: string; from_id?: string; to_id?: string; valid_until?: string }, metadata: Metadata) {
    return this.handle('DeclareRelationship', metadata, WRITERS, async (principal) => {
      const plain = { type: request.type, fromId: request.from_id, toId: request.to_id, validUntil: request.valid_until || undefined };
      return relationshipMessage(await this.relationships.declare(principal, validated(DeclareRelationshipRequest, plain, 'DeclareRelationshipRequest')));
    });
  }

  @Public()
  @GrpcMethod(SERVICE, 'Reach')
  reach(request: { from?: string; environment?: string; min_sensitivity?: string; max_depth?: number; max_paths?: number }, metadata: Metadata) {
    return this.handle('Reach', metadata, undefined, async (principal) => {
      const plain = {
        from: request.from || undefined,
        environment: request.environment || undefined,
        minSensitivity: request.min_sensitivity || undefined,
        maxDepth: request.max_depth || undefined,
        maxPaths: request.max_paths || undefined,
      };
      return reachMessage(await this.reachQueries.reach(principal.tenantId, validated(ReachQueryParams, plain, 'ReachRequest')));
    });
  }

  /** Authenticates, checks the role (undefined: every role except ingest), runs the work and maps AppErrors to gRPC statuses. */
  private async handle<T>(method: string, metadata: Metadata, roles: Role[] | undefined, work: (principal: Principal) => Promise<T>): Promise<T> {
    try {
      return await work(await authenticateCall(this.keys, metadata, roles));
    } catch (error) {
      throw toRpcException(error, this.logger, `${SERVICE}.${method}`);
    }
  }
}

function requireId(id: string | undefined): string {
  if (!id) throw new AppError('invalid_argument', 'id is missing; give the asset id', 'id');
  return id;
}
