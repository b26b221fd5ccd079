import {
  AssetRegisteredV1,
  AssetRetiredV1,
  AssetSnapshot,
  AssetUpdatedV1,
  EventEnvelope,
  RelationshipDeclaredV1,
  RelationshipEndedV1,
  RelationshipObservedV1,
  RelationshipSnapshot,
  ToolDefinitionDriftedV1,
  ToolDefinitionPinnedV1,
  Topics,
} from '@estate/contracts';
import { ident, Projection, ProjectionContext } from '@estate/projection';

const ASSET_EVENTS: string[] = [AssetRegisteredV1.type, AssetUpdatedV1.type, AssetRetiredV1.type, ToolDefinitionPinnedV1.type, ToolDefinitionDriftedV1.type];
const RELATIONSHIP_EVENTS: string[] = [RelationshipDeclaredV1.type, RelationshipObservedV1.type, RelationshipEndedV1.type];

/** Reacts to tenants whose read model changed, after the batch commits or not; listeners must tolerate a rolled-back batch. */
export type TenantChangeListener = (tenantIds: Set<string>) => void;

/**
 * Projects assets and relationships from the inventory topic. Every event
 * carries the aggregate's whole state, so a batch reduces to the newest
 * snapshot per aggregate and lands with one multi-row upsert per table. The
 * upsert only replaces a row with a higher version, which makes replays and
 * out-of-order redelivery harmless.
 */
export class InventoryProjection implements Projection {
  readonly name = 'inventory';
  readonly topics = [Topics.inventoryEvents];
  readonly handles = [...ASSET_EVENTS, ...RELATIONSHIP_EVENTS];
  readonly tables = [{ name: 'assets' }, { name: 'relationships' }];
  private readonly listeners: TenantChangeListener[] = [];

  onTenantsChanged(listener: TenantChangeListener): void {
    this.listeners.push(listener);
  }

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const assets = newest(events, ASSET_EVENTS, (e) => (e.payload as { asset: AssetSnapshot }).asset, (a) => a.assetId);
    const relationships = newest(events, RELATIONSHIP_EVENTS, (e) => (e.payload as { relationship: RelationshipSnapshot }).relationship, (r) => r.relationshipId);
    if (assets.length > 0) await upsertAssets(client, schema, assets);
    if (relationships.length > 0) await upsertRelationships(client, schema, relationships);
    const tenants = new Set(events.map((e) => e.tenantId));
    for (const listener of this.listeners) listener(tenants);
  }
}

interface Versioned<T> {
  tenantId: string;
  recordedAt: string;
  snapshot: T;
  /** recordedAt of the lowest version in the batch; for version 1 it is the registration time, however events were batched. */
  earliestRecordedAt: string;
  earliestVersion: number;
}

function newest<T extends { version: number }>(events: EventEnvelope[], types: string[], pick: (e: EventEnvelope) => T, id: (s: T) => string): Versioned<T>[] {
  const byId = new Map<string, Versioned<T>>();
  for (const event of events) {
    if (!types.includes(event.type)) continue;
    const snapshot = pick(event);
    const key = `${event.tenantId}\u0000${id(snapshot)}`;
    const existing = byId.get(key);
    const earliest = existing && existing.earliestVersion < snapshot.version
      ? { earliestRecordedAt: existing.earliestRecordedAt, earliestVersion: existing.earliestVersion }
      : { earliestRecordedAt: event.recordedAt, earliestVersion: snapshot.version };
    if (!existing || existing.snapshot.version < snapshot.version) byId.set(key, { tenantId: event.tenantId, recordedAt: event.recordedAt, snapshot, ...earliest });
    else Object.assign(existing, earliest);
  }
  return [...byId.values()];
}

async function upsertAssets(client: ProjectionContext['client'], schema: string, rows: Versioned<AssetSnapshot>[]): Promise<void> {
  const column = <K>(f: (r: Versioned<AssetSnapshot>) => K) => rows.map(f);
  await client.query(
    `INSERT INTO ${ident(schema)}.assets AS a (tenant_id, asset_id, kind, name, version, asset_version, owner_team, purpose, environment,
       data_classification, policy_class, lifecycle, labels, external_refs, attributes, definition_hash, registered_at, updated_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[],
       $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::jsonb[], $15::jsonb[], $16::text[], $18::timestamptz[], $17::timestamptz[])
     ON CONFLICT (tenant_id, asset_id) DO UPDATE SET
       name = excluded.name, version = excluded.version, asset_version = excluded.asset_version, owner_team = excluded.owner_team,
       purpose = excluded.purpose, environment = excluded.environment, data_classification = excluded.data_classification,
       policy_class = excluded.policy_class, lifecycle = excluded.lifecycle, labels = excluded.labels, external_refs = excluded.external_refs,
       attributes = excluded.attributes, definition_hash = excluded.definition_hash, updated_at = excluded.updated_at
     WHERE a.version < excluded.version`,
    [
      column((r) => r.tenantId), column((r) => r.snapshot.assetId), column((r) => r.snapshot.kind), column((r) => r.snapshot.name),
      column((r) => r.snapshot.version), column((r) => r.snapshot.assetVersion ?? null), column((r) => r.snapshot.ownerTeam ?? null),
      column((r) => r.snapshot.purpose ?? null), column((r) => r.snapshot.environment ?? null), column((r) => r.snapshot.dataClassification ?? null),
      column((r) => r.snapshot.policyClass ?? null), column((r) => r.snapshot.lifecycle), column((r) => JSON.stringify(r.snapshot.labels)),
      column((r) => JSON.stringify(r.snapshot.externalRefs)), column((r) => JSON.stringify(r.snapshot.attributes)),
      column((r) => r.snapshot.definitionHash ?? null), column((r) => r.recordedAt), column((r) => r.earliestRecordedAt),
    ],
  );
}

async function upsertRelationships(client: ProjectionContext['client'], schema: string, rows: Versioned<RelationshipSnapshot>[]): Promise<void> {
  const column = <K>(f: (r: RelationshipSnapshot) => K) => rows.map((r) => f(r.snapshot));
  await client.query(
    `INSERT INTO ${ident(schema)}.relationships AS r (tenant_id, relationship_id, type, from_id, from_kind, to_id, to_kind, source, version,
       first_seen_at, last_seen_at, valid_until, ended_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[],
       $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[])
     ON CONFLICT (tenant_id, relationship_id) DO UPDATE SET
       source = excluded.source, version = excluded.version, first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at,
       valid_until = excluded.valid_until, ended_at = excluded.ended_at
     WHERE r.version < excluded.version`,
    [
      rows.map((r) => r.tenantId), column((r) => r.relationshipId), column((r) => r.type), column((r) => r.fromId), column((r) => r.fromKind),
      column((r) => r.toId), column((r) => r.toKind), column((r) => r.source), column((r) => r.version), column((r) => r.firstSeenAt),
      column((r) => r.lastSeenAt), column((r) => r.validUntil ?? null), column((r) => r.endedAt ?? null),
    ],
  );
}
