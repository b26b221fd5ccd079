import { ident } from '@estate/projection';
import type { UngatedReachPath } from '@estate/reporting-model';
import type { Pool } from 'pg';

/** Relationship types followed from a workflow towards what it can touch; the inventory's reach rules call them flow edges. */
const FLOW_TYPES = ['uses', 'routes-to', 'calls', 'exposes', 'reads', 'writes', 'feeds', 'delegates-to', 'includes', 'drives'];
const SENSITIVE = ['confidential', 'restricted'];
const MAX_DEPTH = 6;

/**
 * Finds, per workflow asset, the paths along flow relationships to a
 * confidential or restricted dataset on which no asset has a `gated-by`
 * relationship to an approval path. Ended relationships and retired assets
 * do not count. Depth is bounded and a path never revisits an asset.
 */
export async function ungatedReachPaths(pool: Pool, schema: string, tenantId: string): Promise<UngatedReachPath[]> {
  const s = ident(schema);
  const { rows } = await pool.query<{ workflow: string; path: string[]; dataset: string; classification: string }>(
    `WITH RECURSIVE live AS (
       SELECT * FROM ${s}.inventory_assets WHERE tenant_id = $1 AND lifecycle <> 'retired'),
     edges AS (
       SELECT r.from_id, r.to_id FROM ${s}.inventory_relationships r
       JOIN live f ON f.asset_id = r.from_id JOIN live t ON t.asset_id = r.to_id
       WHERE r.tenant_id = $1 AND NOT r.ended AND r.type = ANY($2::text[])),
     gated AS (
       SELECT DISTINCT from_id AS asset_id FROM ${s}.inventory_relationships
       WHERE tenant_id = $1 AND NOT ended AND type = 'gated-by'),
     walk AS (
       SELECT a.asset_id AS workflow_id, a.asset_id AS at, ARRAY[a.asset_id] AS path, (a.asset_id IN (SELECT asset_id FROM gated)) AS gated
       FROM live a WHERE a.kind = 'workflow'
       UNION ALL
       SELECT w.workflow_id, e.to_id, w.path || e.to_id, w.gated OR e.to_id IN (SELECT asset_id FROM gated)
       FROM walk w JOIN edges e ON e.from_id = w.at
       WHERE NOT e.to_id = ANY(w.path) AND cardinality(w.path) <= $4)
     SELECT wf.name AS workflow, ARRAY(SELECT n.name FROM unnest(w.path) WITH ORDINALITY AS p(id, i) JOIN live n ON n.asset_id = p.id ORDER BY p.i) AS path,
            d.name AS dataset, d.data_classification AS classification
     FROM walk w JOIN live d ON d.asset_id = w.at JOIN live wf ON wf.asset_id = w.workflow_id
     WHERE NOT w.gated AND d.kind = 'dataset' AND d.data_classification = ANY($3::text[])
     ORDER BY wf.name, d.name, cardinality(w.path)`,
    [tenantId, FLOW_TYPES, SENSITIVE, MAX_DEPTH],
  );
  return rows;
}
