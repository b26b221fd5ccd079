import {
  AssetObserved,
  AssetObservedV1,
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
} from '@estate/contracts';
import { Projection, ProjectionContext } from '@estate/projection';
import { ColumnSpec, onePerKey, upsertRows } from './sql';

const ASSET_COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['asset_id', 'text'], ['kind', 'text'], ['name', 'text'], ['version', 'integer'], ['owner_team', 'text'],
  ['environment', 'text'], ['data_classification', 'text'], ['policy_class', 'text'], ['lifecycle', 'text'], ['updated_at', 'timestamptz'],
];

const RELATIONSHIP_COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['relationship_id', 'text'], ['type', 'text'], ['from_id', 'text'], ['from_kind', 'text'], ['to_id', 'text'],
  ['to_kind', 'text'], ['version', 'integer'], ['ended', 'boolean'],
];

const RUNTIME_COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['observed_kind', 'text'], ['name', 'text'], ['first_seen_at', 'timestamptz'], ['last_seen_at', 'timestamptz'],
  ['example_trace_id', 'text'],
];

/** Inventory events whose payload carries the asset's whole new state. */
const ASSET_TYPES: ReadonlySet<string> = new Set([
  AssetRegisteredV1.type, AssetUpdatedV1.type, AssetRetiredV1.type, ToolDefinitionPinnedV1.type, ToolDefinitionDriftedV1.type,
]);
const RELATIONSHIP_TYPES: ReadonlySet<string> = new Set([RelationshipDeclaredV1.type, RelationshipObservedV1.type, RelationshipEndedV1.type]);

type Versioned = { tenant_id: string; version: number; event_id: string };
const higherVersion = (a: Versioned, b: Versioned) => a.version > b.version || (a.version === b.version && a.event_id > b.event_id);

/**
 * Projects the inventory (assets with owner, classification and policy
 * class; typed relationships) and the assets runtime telemetry showed. Asset
 * and relationship rows only move to a higher aggregate version. A runtime
 * asset keeps its earliest first-seen and latest last-seen time, and the
 * example trace of its latest sighting.
 */
export class InventoryFactsProjection implements Projection {
  readonly name = 'reporting-inventory';
  readonly handles = [...ASSET_TYPES, ...RELATIONSHIP_TYPES, AssetObservedV1.type];
  readonly tables = [{ name: 'inventory_assets' }, { name: 'inventory_relationships' }, { name: 'runtime_assets' }];

  constructor(readonly topics: string[]) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const assets = events.filter((e) => ASSET_TYPES.has(e.type)).map(assetRow);
    await upsertRows(
      client,
      schema,
      { table: 'inventory_assets', columns: ASSET_COLUMNS, key: ['tenant_id', 'asset_id'], replaceWhen: 'excluded.version > t.version' },
      onePerKey(assets, (r) => `${r.tenant_id}\u0000${r.asset_id}`, higherVersion),
    );
    const relationships = events.filter((e) => RELATIONSHIP_TYPES.has(e.type)).map(relationshipRow);
    await upsertRows(
      client,
      schema,
      { table: 'inventory_relationships', columns: RELATIONSHIP_COLUMNS, key: ['tenant_id', 'relationship_id'], replaceWhen: 'excluded.version >= t.version' },
      onePerKey(relationships, (r) => `${r.tenant_id}\u0000${r.relationship_id}`, higherVersion),
    );
    const sightings = events.filter((e) => e.type === AssetObservedV1.type).map(runtimeRow);
    await upsertRows(
      client,
      schema,
      {
        table: 'runtime_assets',
        columns: RUNTIME_COLUMNS,
        key: ['tenant_id', 'observed_kind', 'name'],
        merge: {
          first_seen_at: 'least(excluded.first_seen_at, t.first_seen_at)',
          last_seen_at: 'greatest(excluded.last_seen_at, t.last_seen_at)',
          example_trace_id: `CASE WHEN (excluded.last_seen_at, excluded.example_trace_id) > (t.last_seen_at, t.example_trace_id) THEN excluded.example_trace_id ELSE t.example_trace_id END`,
        },
      },
      mergeSightings(sightings),
    );
  }
}

function assetRow(event: EventEnvelope) {
  const a = (event.payload as { asset: AssetSnapshot }).asset;
  return {
    tenant_id: event.tenantId,
    asset_id: a.assetId,
    kind: a.kind,
    name: a.name,
    version: a.version,
    owner_team: a.ownerTeam ?? null,
    environment: a.environment ?? null,
    data_classification: a.dataClassification ?? null,
    policy_class: a.policyClass ?? null,
    lifecycle: a.lifecycle,
    updated_at: event.occurredAt,
    event_id: event.eventId,
  };
}

function relationshipRow(event: EventEnvelope) {
  const r = (event.payload as { relationship: RelationshipSnapshot }).relationship;
  return {
    tenant_id: event.tenantId,
    relationship_id: r.relationshipId,
    type: r.type,
    from_id: r.fromId,
    from_kind: r.fromKind,
    to_id: r.toId,
    to_kind: r.toKind,
    version: r.version,
    ended: event.type === RelationshipEndedV1.type || r.endedAt !== undefined,
    event_id: event.eventId,
  };
}

function runtimeRow(event: EventEnvelope) {
  const o = event.payload as AssetObserved;
  return {
    tenant_id: event.tenantId,
    observed_kind: o.kind,
    name: o.name,
    first_seen_at: new Date(o.firstSeenAt).toISOString(),
    last_seen_at: new Date(o.lastSeenAt).toISOString(),
    example_trace_id: o.exampleTraceId,
  };
}

type Sighting = ReturnType<typeof runtimeRow>;

/** Merges sightings of the same asset in one batch by the same rule the upsert applies to stored rows. */
function mergeSightings(rows: Sighting[]): Sighting[] {
  const merged = new Map<string, Sighting>();
  for (const row of rows) {
    const key = `${row.tenant_id}\u0000${row.observed_kind}\u0000${row.name}`;
    const kept = merged.get(key);
    if (!kept) {
      merged.set(key, row);
      continue;
    }
    const later = row.last_seen_at > kept.last_seen_at || (row.last_seen_at === kept.last_seen_at && row.example_trace_id > kept.example_trace_id);
    merged.set(key, {
      ...kept,
      first_seen_at: row.first_seen_at < kept.first_seen_at ? row.first_seen_at : kept.first_seen_at,
      last_seen_at: later ? row.last_seen_at : kept.last_seen_at,
      example_trace_id: later ? row.example_trace_id : kept.example_trace_id,
    });
  }
  return [...merged.values()];
}
