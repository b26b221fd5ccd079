import {
  AssetRegisteredV1,
  AssetRetiredV1,
  AssetSnapshot,
  AssetUpdatedV1,
  EventEnvelope,
  RelationshipDeclaredV1,
  RelationshipEndedV1,
  RelationshipSnapshot,
  ToolDefinitionDrifted,
  ToolDefinitionDriftedV1,
  ToolDefinitionPinnedV1,
  Topics,
} from '@estate/contracts';
import { ident, Projection, ProjectionContext } from '@estate/projection';
import type { PoolClient } from 'pg';
import { bumpEntityRevisions, hashEntity } from '../entities/entity-cache';
import { AssetWithLinks, entityOfAsset } from './inventory-entities';

const ASSET_EVENTS = new Set([AssetRegisteredV1.type, AssetUpdatedV1.type, AssetRetiredV1.type, ToolDefinitionPinnedV1.type]);
const RELATIONSHIP_EVENTS = new Set([RelationshipDeclaredV1.type, RelationshipEndedV1.type]);

/**
 * Keeps the Cedar entity store current from inventory events: assets and
 * their relationships are stored as received, then the entities of every
 * asset the batch touched are derived again and written with
 * `source = 'inventory'`. A drift event marks the named tools drifted and
 * a later pin clears it, so the tool-binding check fails in between.
 * Events are folded in partition order and every write is guarded by the
 * aggregate version, so a replayed batch leaves the same rows.
 */
export class InventoryEntitiesProjection implements Projection {
  readonly name = 'inventory-entities';
  readonly topics = [Topics.inventoryEvents];
  readonly handles = [...ASSET_EVENTS, ...RELATIONSHIP_EVENTS, ToolDefinitionDriftedV1.type];
  readonly tables = [{ name: 'inventory_assets' }, { name: 'inventory_relationships' }, { name: 'entities', ignoreColumns: ['updated_at'] }];

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const s = ident(schema);
    const assets = new Map<string, { tenantId: string; snapshot: AssetSnapshot; retired: boolean }>();
    const relationships = new Map<string, { tenantId: string; relationship: RelationshipSnapshot; ended: boolean }>();
    const drift = new Map<string, { tenantId: string; toolName: string; drifted: boolean }>();

    for (const event of events) {
      if (ASSET_EVENTS.has(event.type)) {
        const snapshot = (event.payload as { asset: AssetSnapshot }).asset;
        assets.set(`${event.tenantId}|${snapshot.assetId}`, { tenantId: event.tenantId, snapshot, retired: event.type === AssetRetiredV1.type });
        if (event.type === ToolDefinitionPinnedV1.type) drift.set(`${event.tenantId}|${snapshot.name}`, { tenantId: event.tenantId, toolName: snapshot.name, drifted: false });
      } else if (RELATIONSHIP_EVENTS.has(event.type)) {
        const relationship = (event.payload as { relationship: RelationshipSnapshot }).relationship;
        relationships.set(`${event.tenantId}|${relationship.relationshipId}`, { tenantId: event.tenantId, relationship, ended: event.type === RelationshipEndedV1.type });
      } else if (event.type === ToolDefinitionDriftedV1.type) {
        const { diff } = event.payload as ToolDefinitionDrifted;
        for (const toolName of [...diff.changedTools.map((t) => t.name), ...diff.removedTools]) {
          drift.set(`${event.tenantId}|${toolName}`, { tenantId: event.tenantId, toolName, drifted: true });
        }
      }
    }

    const assetRows = [...assets.values()];
    if (assetRows.length > 0) {
      await client.query(
        `INSERT INTO ${s}.inventory_assets (tenant_id, asset_id, kind, name, version, snapshot, retired)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::jsonb[], $7::boolean[])
         ON CONFLICT (tenant_id, asset_id) DO UPDATE
           SET kind = EXCLUDED.kind, name = EXCLUDED.name, version = EXCLUDED.version, snapshot = EXCLUDED.snapshot, retired = EXCLUDED.retired
           WHERE inventory_assets.version <= EXCLUDED.version`,
        [
          assetRows.map((a) => a.tenantId), assetRows.map((a) => a.snapshot.assetId), assetRows.map((a) => a.snapshot.kind),
          assetRows.map((a) => a.snapshot.name), assetRows.map((a) => a.snapshot.version), assetRows.map((a) => JSON.stringify(a.snapshot)),
          assetRows.map((a) => a.retired),
        ],
      );
    }
    const driftRows = [...drift.values()];
    if (driftRows.length > 0) {
      await client.query(
        `UPDATE ${s}.inventory_assets a SET definition_drifted = t.drifted
           FROM unnest($1::text[], $2::text[], $3::boolean[]) AS t(tenant, name, drifted)
          WHERE a.tenant_id = t.tenant AND a.kind = 'tool' AND a.name = t.name`,
        [driftRows.map((d) => d.tenantId), driftRows.map((d) => d.toolName), driftRows.map((d) => d.drifted)],
      );
    }
    const relationshipRows = [...relationships.values()];
    if (relationshipRows.length > 0) {
      await client.query(
        `INSERT INTO ${s}.inventory_relationships (tenant_id, relationship_id, type, from_id, to_id, version, ended)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::boolean[])
         ON CONFLICT (tenant_id, relationship_id) DO UPDATE
           SET type = EXCLUDED.type, from_id = EXCLUDED.from_id, to_id = EXCLUDED.to_id, version = EXCLUDED.version, ended = EXCLUDED.ended
           WHERE inventory_relationships.version <= EXCLUDED.version`,
        [
          relationshipRows.map((r) => r.tenantId), relationshipRows.map((r) => r.relationship.relationshipId), relationshipRows.map((r) => r.relationship.type),
          relationshipRows.map((r) => r.relationship.fromId), relationshipRows.map((r) => r.relationship.toId), relationshipRows.map((r) => r.relationship.version),
          relationshipRows.map((r) => r.ended),
        ],
      );
    }

    const touched = new Map<string, { tenantId: string; assetId: string }>();
    for (const a of assetRows) touched.set(`${a.tenantId}|${a.snapshot.assetId}`, { tenantId: a.tenantId, assetId: a.snapshot.assetId });
    for (const r of relationshipRows) {
      for (const assetId of [r.relationship.fromId, r.relationship.toId]) touched.set(`${r.tenantId}|${assetId}`, { tenantId: r.tenantId, assetId });
    }
    // Asset and relationship events for one agent arrive on different partitions, so either may land
    // first. Deriving the other end of every relationship of a touched asset makes the result the same
    // whatever the order.
    const touchedList = [...touched.values()];
    if (touchedList.length > 0) {
      const { rows: related } = await client.query<{ tenant_id: string; asset_id: string }>(
        `SELECT r.tenant_id, CASE WHEN (r.tenant_id, r.from_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) THEN r.to_id ELSE r.from_id END AS asset_id
           FROM ${s}.inventory_relationships r
          WHERE (r.tenant_id, r.from_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
             OR (r.tenant_id, r.to_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [touchedList.map((t) => t.tenantId), touchedList.map((t) => t.assetId)],
      );
      for (const r of related) touched.set(`${r.tenant_id}|${r.asset_id}`, { tenantId: r.tenant_id, assetId: r.asset_id });
    }
    await this.deriveEntities(client, s, [...touched.values()], driftRows);
  }

  /** Rewrites the entities of the touched assets (and drift-marked tools) from the stored inventory state. */
  private async deriveEntities(client: PoolClient, s: string, touched: Array<{ tenantId: string; assetId: string }>, drift: Array<{ tenantId: string; toolName: string }>): Promise<void> {
    if (touched.length === 0 && drift.length === 0) return;
    const linked = (direction: 'from' | 'to', type: string, kind: string) => {
      const [self, other] = direction === 'from' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
      return `ARRAY(SELECT o.name FROM ${s}.inventory_relationships r JOIN ${s}.inventory_assets o ON o.tenant_id = r.tenant_id AND o.asset_id = r.${other}
                     WHERE r.tenant_id = a.tenant_id AND r.${self} = a.asset_id AND r.type = '${type}' AND NOT r.ended AND o.kind = '${kind}' AND NOT o.retired
                     ORDER BY o.name)`;
    };
    const { rows } = await client.query<{ tenant_id: string; snapshot: AssetSnapshot; retired: boolean; definition_drifted: boolean; called: string[]; exposed_by: string[]; governed_by: string[]; owned_by: string[] }>(
      `SELECT a.tenant_id, a.snapshot, a.retired, a.definition_drifted,
              ${linked('from', 'calls', 'tool')} AS called, ${linked('to', 'exposes', 'mcp-server')} AS exposed_by,
              ${linked('from', 'governed-by', 'policy-class')} AS governed_by, ${linked('from', 'owned-by', 'team')} AS owned_by
         FROM ${s}.inventory_assets a
        WHERE (a.tenant_id, a.asset_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
           OR (a.kind = 'tool' AND (a.tenant_id, a.name) IN (SELECT * FROM unnest($3::text[], $4::text[])))`,
      [touched.map((t) => t.tenantId), touched.map((t) => t.assetId), drift.map((d) => d.tenantId), drift.map((d) => d.toolName)],
    );

    // Cedar names entities by asset name, so two assets of one kind and name map to one entity.
    // The newest version wins (then the larger asset id), which keeps a rebuild equal to the live model.
    rows.sort((a, b) => a.snapshot.version - b.snapshot.version || a.snapshot.assetId.localeCompare(b.snapshot.assetId));
    const liveByKey = new Map<string, { tenantId: string; entity: NonNullable<ReturnType<typeof entityOfAsset>> }>();
    const retiredByKey = new Map<string, { tenantId: string; type: string; id: string }>();
    for (const row of rows) {
      const asset: AssetWithLinks = {
        snapshot: row.snapshot, definitionDrifted: row.definition_drifted, calledTools: row.called, exposedBy: row.exposed_by, governedBy: row.governed_by, ownedBy: row.owned_by,
      };
      const entity = entityOfAsset(asset);
      if (!entity) continue;
      const uid = entity.uid as { type: string; id: string };
      const key = `${row.tenant_id}|${uid.type}|${uid.id}`;
      if (row.retired) retiredByKey.set(key, { tenantId: row.tenant_id, ...uid });
      else liveByKey.set(key, { tenantId: row.tenant_id, entity });
    }
    const live = [...liveByKey.values()];
    const retired = [...retiredByKey.entries()].filter(([key]) => !liveByKey.has(key)).map(([, value]) => value);
    if (live.length > 0) {
      await client.query(
        `INSERT INTO ${s}.entities (tenant_id, entity_type, entity_id, attrs, parents, content_hash, updated_at, source)
         SELECT t.tenant, t.type, t.id, t.attrs, t.parents, t.hash, now(), 'inventory'
           FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::text[]) AS t(tenant, type, id, attrs, parents, hash)
         ON CONFLICT (tenant_id, entity_type, entity_id) DO UPDATE
           SET attrs = EXCLUDED.attrs, parents = EXCLUDED.parents, content_hash = EXCLUDED.content_hash, updated_at = EXCLUDED.updated_at, source = 'inventory'`,
        [
          live.map((l) => l.tenantId), live.map((l) => (l.entity.uid as { type: string }).type), live.map((l) => (l.entity.uid as { id: string }).id),
          live.map((l) => JSON.stringify(l.entity.attrs)), live.map((l) => JSON.stringify(l.entity.parents)), live.map((l) => hashEntity(l.entity)),
        ],
      );
    }
    if (retired.length > 0) {
      await client.query(
        `DELETE FROM ${s}.entities e USING unnest($1::text[], $2::text[], $3::text[]) AS t(tenant, type, id)
          WHERE e.tenant_id = t.tenant AND e.entity_type = t.type AND e.entity_id = t.id AND e.source = 'inventory'`,
        [retired.map((r) => r.tenantId), retired.map((r) => r.type), retired.map((r) => r.id)],
      );
    }
    // NOTE: an agent's tool scope is derived again only when its own relationships or the agent change, so a retired tool stays in scope until then.
    await bumpEntityRevisions(client, s, [...new Set(rows.map((r) => r.tenant_id))]);
  }
}
