import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';

/** Kinds of asset the inventory records. Wire values: add kinds at the end, never rename one. */
export const ASSET_KINDS = [
  'model', 'model-version', 'deployment', 'model-route', 'prompt', 'prompt-version', 'dataset', 'agent', 'mcp-server',
  'tool', 'workflow', 'output-channel', 'team', 'policy-class', 'policy-bundle', 'approval-path', 'exception-window', 'budget',
] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export const LIFECYCLE_STATES = ['proposed', 'development', 'active', 'deprecated', 'retired'] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/** Data classifications, least sensitive first; reach queries compare by this order. */
export const DATA_CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const;
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

/** Typed relationships; which kinds each may join is a rule of the inventory domain library. */
export const RELATIONSHIP_TYPES = [
  'uses', 'routes-to', 'deploys', 'version-of', 'calls', 'exposes', 'reads', 'writes', 'feeds', 'delegates-to',
  'includes', 'drives', 'governed-by', 'gated-by', 'excepted-by', 'owned-by', 'bundled-in', 'limited-by',
] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

/** Where a relationship came from: a person through the API, an import of a config or manifest, or runtime telemetry. */
export const RELATIONSHIP_SOURCES = ['declared', 'imported', 'observed'] as const;
export type RelationshipSource = (typeof RELATIONSHIP_SOURCES)[number];

const SHA256_HEX = /^[a-f0-9]{64}$/;

/**
 * An asset's whole state after the change an event records, so a consumer
 * (the policy service's entity cache, a report) needs no other event to
 * know what the asset is.
 */
export class AssetSnapshot {
  @IsString() @IsNotEmpty() assetId!: string;
  @IsIn(ASSET_KINDS) kind!: AssetKind;
  @IsString() @IsNotEmpty() @MaxLength(300) name!: string;
  /** Aggregate version: 1 at registration, one more per event on the asset. */
  @IsInt() @Min(1) version!: number;
  /** The asset's own release label, such as a model version or `2.0.0`; not the aggregate version. */
  @IsOptional() @IsString() @MaxLength(100) assetVersion?: string;
  @IsOptional() @IsString() @MaxLength(200) ownerTeam?: string;
  @IsOptional() @IsString() @MaxLength(2000) purpose?: string;
  @IsOptional() @IsString() @MaxLength(100) environment?: string;
  @IsOptional() @IsIn(DATA_CLASSIFICATIONS) dataClassification?: DataClassification;
  @IsOptional() @IsString() @MaxLength(200) policyClass?: string;
  @IsIn(LIFECYCLE_STATES) lifecycle!: LifecycleState;
  @IsObject() labels!: Record<string, string>;
  /** Identifiers outside Estate: a provider's model id, an MCP server's URL or command, a registry name. */
  @IsObject() externalRefs!: Record<string, string>;
  /** Kind-specific facts: MCP transport and environment variable names, tool annotations, exception window bounds. */
  @IsObject() attributes!: Record<string, unknown>;
  /** For tools: the pinned SHA-256 of the canonical tool definition. */
  @IsOptional() @Matches(SHA256_HEX) definitionHash?: string;
}

export class RelationshipSnapshot {
  @IsString() @IsNotEmpty() relationshipId!: string;
  @IsIn(RELATIONSHIP_TYPES) type!: RelationshipType;
  @IsString() @IsNotEmpty() fromId!: string;
  @IsIn(ASSET_KINDS) fromKind!: AssetKind;
  @IsString() @IsNotEmpty() toId!: string;
  @IsIn(ASSET_KINDS) toKind!: AssetKind;
  @IsIn(RELATIONSHIP_SOURCES) source!: RelationshipSource;
  @IsInt() @Min(1) version!: number;
  @IsISO8601({ strict: true }) firstSeenAt!: string;
  @IsISO8601({ strict: true }) lastSeenAt!: string;
  @IsOptional() @IsISO8601({ strict: true }) validUntil?: string;
  @IsOptional() @IsISO8601({ strict: true }) endedAt?: string;
}

class AssetChange {
  @IsObject() @ValidateNested() @Type(() => AssetSnapshot) asset!: AssetSnapshot;
  /** `api-key:<key id>` of the caller, or `runtime` for changes derived from telemetry. */
  @IsString() @IsNotEmpty() changedBy!: string;
}

export class AssetRegistered extends AssetChange {}

export class AssetUpdated extends AssetChange {
  @IsArray() @IsString({ each: true }) changedFields!: string[];
}

export class AssetRetired extends AssetChange {
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}

class RelationshipChange {
  @IsObject() @ValidateNested() @Type(() => RelationshipSnapshot) relationship!: RelationshipSnapshot;
  @IsString() @IsNotEmpty() changedBy!: string;
}

export class RelationshipDeclared extends RelationshipChange {}

export class RelationshipObserved extends RelationshipChange {
  @IsOptional() @IsString() exampleTraceId?: string;
}

export class RelationshipEnded extends RelationshipChange {
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}

export class ChangedTool {
  @IsString() name!: string;
  /** Definition fields whose canonical form differs: title, description, inputSchema, outputSchema, annotations. */
  @IsArray() @IsString({ each: true }) changedFields!: string[];
  @Matches(SHA256_HEX) pinnedHash!: string;
  @Matches(SHA256_HEX) observedHash!: string;
}

export class ToolSetDiff {
  @IsArray() @IsString({ each: true }) addedTools!: string[];
  @IsArray() @IsString({ each: true }) removedTools!: string[];
  @IsArray() @ValidateNested({ each: true }) @Type(() => ChangedTool) changedTools!: ChangedTool[];
}

/** A tool definition was pinned; `asset` is the tool with its new definitionHash. */
export class ToolDefinitionPinned extends AssetChange {
  @IsString() @IsNotEmpty() serverId!: string;
  @Matches(SHA256_HEX) definitionHash!: string;
  /** Hash over the server's whole tool set at the time of pinning. */
  @Matches(SHA256_HEX) toolSetHash!: string;
}

/**
 * An import showed a tool set that differs from the pinned one. The event is
 * on the MCP server asset; the pinned hashes stay until someone accepts the
 * new definitions, so a policy check against the pin keeps failing closed.
 */
export class ToolDefinitionDrifted extends AssetChange {
  @Matches(SHA256_HEX) pinnedToolSetHash!: string;
  @Matches(SHA256_HEX) observedToolSetHash!: string;
  @IsObject() @ValidateNested() @Type(() => ToolSetDiff) diff!: ToolSetDiff;
  /** True when the importer asked to pin the observed definitions; pinned events follow. */
  @IsBoolean() accepted!: boolean;
}

/** An observed asset as runtime telemetry named it. */
export class ObservedAssetRef {
  @IsString() @IsNotEmpty() observedKind!: string;
  @IsString() @IsNotEmpty() name!: string;
  @IsOptional() @IsString() provider?: string;
  @IsOptional() @IsString() environment?: string;
  @IsOptional() @IsString() viaAgent?: string;
  @IsOptional() @IsString() workflow?: string;
  @IsISO8601({ strict: true }) firstSeenAt!: string;
  @IsISO8601({ strict: true }) lastSeenAt!: string;
  @IsString() exampleTraceId!: string;
}

export class UnregisteredAssetSeen {
  @IsObject() @ValidateNested() @Type(() => ObservedAssetRef) observed!: ObservedAssetRef;
}

export class RegisteredAssetUnseen {
  @IsObject() @ValidateNested() @Type(() => AssetSnapshot) asset!: AssetSnapshot;
  /** Runtime has not shown the asset since this instant (its registration, when it was never seen). */
  @IsISO8601({ strict: true }) unseenSince!: string;
  @IsOptional() @IsISO8601({ strict: true }) lastSeenAt?: string;
}

export class ScopeDriftDetected {
  @IsString() @IsNotEmpty() agentId!: string;
  @IsString() @IsNotEmpty() agentName!: string;
  /** The tool's asset id when the tool is registered. */
  @IsOptional() @IsString() toolId?: string;
  @IsString() @IsNotEmpty() toolName!: string;
  @IsObject() @ValidateNested() @Type(() => ObservedAssetRef) observed!: ObservedAssetRef;
}

const byAsset = (p: { asset: AssetSnapshot }) => p.asset.assetId;
const byFromAsset = (p: { relationship: RelationshipSnapshot }) => p.relationship.fromId;

const inventoryEvent = <P extends object>(type: string, payload: new () => P, partitionKey: (p: P) => string, description: string) =>
  defineEvent({ type, version: 1, topic: Topics.inventoryEvents, payload, partitionKey, description });

export const AssetRegisteredV1 = inventoryEvent('inventory.asset.registered', AssetRegistered, byAsset, 'An asset was registered at version 1.');
export const AssetUpdatedV1 = inventoryEvent('inventory.asset.updated', AssetUpdated, byAsset, 'An asset changed; the snapshot is its whole new state.');
export const AssetRetiredV1 = inventoryEvent('inventory.asset.retired', AssetRetired, byAsset, 'An asset was retired; its relationships no longer count for reach.');
export const RelationshipDeclaredV1 = inventoryEvent('inventory.relationship.declared', RelationshipDeclared, byFromAsset, 'A person or an import declared a typed relationship between two assets.');
export const RelationshipObservedV1 = inventoryEvent('inventory.relationship.observed', RelationshipObserved, byFromAsset, 'Runtime telemetry showed a relationship in use, declared or not.');
export const RelationshipEndedV1 = inventoryEvent('inventory.relationship.ended', RelationshipEnded, byFromAsset, 'A relationship stopped being valid.');
export const ToolDefinitionPinnedV1 = inventoryEvent('inventory.tool-definition.pinned', ToolDefinitionPinned, byAsset, 'A tool definition hash was pinned as the approved definition.');
export const ToolDefinitionDriftedV1 = inventoryEvent('inventory.tool-definition.drifted', ToolDefinitionDrifted, byAsset, 'An MCP server announced tools that differ from the pinned set, with the diff.');
export const UnregisteredAssetSeenV1 = inventoryEvent(
  'inventory.runtime.unregistered-asset-seen', UnregisteredAssetSeen, (p) => `observed:${p.observed.observedKind}:${p.observed.name}`,
  'Runtime showed an asset that nobody registered.',
);
export const RegisteredAssetUnseenV1 = inventoryEvent('inventory.runtime.registered-asset-unseen', RegisteredAssetUnseen, byAsset, 'A registered active asset was not seen at runtime within the configured window.');
export const ScopeDriftDetectedV1 = inventoryEvent('inventory.runtime.scope-drift-detected', ScopeDriftDetected, (p) => p.agentId, 'An agent called a tool outside its declared relationships.');
