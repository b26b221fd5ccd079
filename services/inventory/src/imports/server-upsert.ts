import { AssetRegisteredV1, AssetSnapshot, AssetUpdatedV1 } from '@estate/contracts';
import { ident } from '@estate/projection';
import type { Pool } from 'pg';
import { assetChange, newAssetId } from '../assets/asset-commands';
import { AggregateChange } from '../store/event-store';

/** What an import knows of a server; undefined fields leave the asset's value alone. */
export type ServerFields = Pick<AssetSnapshot, 'name' | 'labels' | 'externalRefs' | 'attributes'> &
  Partial<Pick<AssetSnapshot, 'environment' | 'ownerTeam' | 'assetVersion' | 'purpose'>>;

export type UpsertStatus = 'created' | 'updated' | 'unchanged';

/** Finds the MCP server asset with this identity (same command line, URL or registry name) in the write model. */
export async function findServerByIdentity(pool: Pool, schema: string, tenantId: string, identity: string): Promise<AssetSnapshot | undefined> {
  const result = await pool.query(
    `SELECT state FROM ${ident(schema)}.aggregates
     WHERE tenant_id = $1 AND kind = 'mcp-server' AND state->'externalRefs'->>'mcp.identity' = $2 AND state->>'lifecycle' <> 'retired'`,
    [tenantId, identity],
  );
  return result.rows[0]?.state as AssetSnapshot | undefined;
}

/**
 * Builds the write that registers an imported MCP server, or updates the one
 * with the same identity when an import changed what is known of it. Fields
 * a person set (owner, purpose, policy class) are kept unless the import
 * names them, so a re-import never erases curation.
 */
export function serverUpsert(
  tenantId: string,
  existing: AssetSnapshot | undefined,
  imported: ServerFields,
  by: string,
): { change?: AggregateChange; asset: AssetSnapshot; status: UpsertStatus } {
  if (!existing) {
    const asset: AssetSnapshot = { assetId: newAssetId(), kind: 'mcp-server', version: 1, lifecycle: 'active', ...withoutUndefined(imported) } as AssetSnapshot;
    return { asset, status: 'created', change: assetChange(tenantId, asset, AssetRegisteredV1.type, { asset, changedBy: by }, by) };
  }
  const next: AssetSnapshot = {
    ...existing,
    ...withoutUndefined(imported),
    labels: { ...existing.labels, ...imported.labels },
    externalRefs: { ...existing.externalRefs, ...imported.externalRefs },
    attributes: mergeAttributes(existing.attributes, imported.attributes),
    version: existing.version + 1,
  };
  const changedFields = (Object.keys(next) as Array<keyof AssetSnapshot>).filter((k) => k !== 'version' && JSON.stringify(next[k]) !== JSON.stringify(existing[k]));
  if (changedFields.length === 0) return { asset: existing, status: 'unchanged' };
  return { asset: next, status: 'updated', change: assetChange(tenantId, next, AssetUpdatedV1.type, { asset: next, changedBy: by, changedFields }, by) };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Secret names seen from any client stay known, so these lists are unioned; other attributes take the import's value. */
const UNIONED = ['envNames', 'headerNames', 'secretInputs'];

function mergeAttributes(existing: Record<string, unknown>, imported: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...existing, ...imported };
  for (const key of UNIONED) {
    const before = Array.isArray(existing[key]) ? (existing[key] as string[]) : [];
    const after = Array.isArray(imported[key]) ? (imported[key] as string[]) : [];
    if (before.length + after.length > 0) merged[key] = [...new Set([...before, ...after])].sort();
  }
  return merged;
}
