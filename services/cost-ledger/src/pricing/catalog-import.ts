import { createEnvelope, PriceCatalogImportedV1 } from '@estate/contracts';
import { ident } from '@estate/projection';
import { ParsedCatalog } from '@estate/pricing';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { appendToOutbox } from '../outbox/outbox';
import { SERVICE_NAME } from '../config';

export interface CatalogImportRequest {
  tenantId: string;
  catalog: ParsedCatalog;
  format: string;
  effectiveFrom: Date;
  importedBy: string;
}

export interface CatalogImportResult {
  catalogVersion: string;
  created: boolean;
  entryCount: number;
}

/**
 * Stores a parsed catalog as a new version with its entries and announces it,
 * in the caller's transaction. The same text with the same effective time is
 * one version: importing it again returns the existing version.
 */
export async function storeCatalogVersion(client: PoolClient, schema: string, request: CatalogImportRequest): Promise<CatalogImportResult> {
  const s = ident(schema);
  const { tenantId, catalog, effectiveFrom } = request;
  const existing = await client.query<{ version_id: string; entry_count: number }>(
    `SELECT version_id, entry_count FROM ${s}.catalog_versions WHERE tenant_id = $1 AND sha256 = $2 AND effective_from = $3`,
    [tenantId, catalog.sha256, effectiveFrom],
  );
  if (existing.rows[0]) return { catalogVersion: existing.rows[0].version_id, created: false, entryCount: existing.rows[0].entry_count };

  const versionId = uuidv7();
  await client.query(
    `INSERT INTO ${s}.catalog_versions (version_id, tenant_id, sha256, format, effective_from, entry_count, imported_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [versionId, tenantId, catalog.sha256, request.format, effectiveFrom, catalog.entries.length, request.importedBy],
  );
  const entries = catalog.entries;
  await client.query(
    `INSERT INTO ${s}.price_entries (version_id, model, provider, mode, prices, tiers)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])`,
    [
      versionId,
      entries.map((e) => e.model),
      entries.map((e) => e.provider),
      entries.map((e) => e.mode),
      entries.map((e) => JSON.stringify(e.prices)),
      entries.map((e) => JSON.stringify(e.tiers)),
    ],
  );
  const payload = {
    catalogVersion: versionId,
    sha256: catalog.sha256,
    format: request.format,
    effectiveFrom: effectiveFrom.toISOString(),
    entryCount: entries.length,
    importedBy: request.importedBy,
  };
  const envelope = createEnvelope({ type: PriceCatalogImportedV1.type, schemaVersion: 1, tenantId, producer: SERVICE_NAME, key: versionId, payload });
  await appendToOutbox(client, schema, [envelope]);
  return { catalogVersion: versionId, created: true, entryCount: entries.length };
}
