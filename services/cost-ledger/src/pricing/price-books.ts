import { ident } from '@estate/projection';
import { CatalogVersion, PriceBook, PriceEntry, PriceOverride, PriceTier, UnitPrices } from '@estate/pricing';
import type { Pool, PoolClient } from 'pg';

/** Catalog versions shipped with Estate or imported by an operator for every tenant carry this tenant id. */
export const ALL_TENANTS = '*';

type Queryable = Pool | PoolClient;

/**
 * Builds each tenant's PriceBook from Postgres: the shared catalog versions,
 * the tenant's own versions and its overrides. Entries of a version never
 * change after import, so they are cached by version id; a tenant's book is
 * rebuilt only when its set of versions or overrides changed.
 */
export class PriceBooks {
  private readonly entriesByVersion = new Map<string, PriceEntry[]>();
  private readonly books = new Map<string, { signature: string; book: PriceBook }>();

  constructor(private readonly schema: string) {}

  async forTenants(db: Queryable, tenantIds: string[]): Promise<Map<string, PriceBook>> {
    const s = ident(this.schema);
    const versions = await db.query<{ version_id: string; tenant_id: string; effective_from: Date }>(
      `SELECT version_id, tenant_id, effective_from FROM ${s}.catalog_versions WHERE tenant_id = $1 OR tenant_id = ANY($2::text[])`,
      [ALL_TENANTS, tenantIds],
    );
    await this.loadEntries(db, versions.rows.map((v) => v.version_id).filter((id) => !this.entriesByVersion.has(id)));
    const overrides = await db.query<{ override_id: string; tenant_id: string; model: string; effective_from: Date; prices: UnitPrices }>(
      `SELECT override_id, tenant_id, model, effective_from, prices FROM ${s}.price_overrides WHERE tenant_id = ANY($1::text[])`,
      [tenantIds],
    );

    const result = new Map<string, PriceBook>();
    for (const tenantId of tenantIds) {
      const ownVersions: CatalogVersion[] = versions.rows
        .filter((v) => v.tenant_id === ALL_TENANTS || v.tenant_id === tenantId)
        .map((v) => ({ versionId: v.version_id, effectiveFrom: v.effective_from, entries: this.entriesByVersion.get(v.version_id) ?? [] }));
      const ownOverrides: PriceOverride[] = overrides.rows
        .filter((o) => o.tenant_id === tenantId)
        .map((o) => ({ overrideId: o.override_id, tenantId, model: o.model, effectiveFrom: o.effective_from, prices: o.prices }));
      const signature = [...ownVersions.map((v) => v.versionId), ...ownOverrides.map((o) => o.overrideId)].sort().join(',');
      const cached = this.books.get(tenantId);
      if (cached?.signature === signature) {
        result.set(tenantId, cached.book);
        continue;
      }
      const book = new PriceBook(ownVersions, ownOverrides);
      this.books.set(tenantId, { signature, book });
      result.set(tenantId, book);
    }
    return result;
  }

  private async loadEntries(db: Queryable, versionIds: string[]): Promise<void> {
    if (versionIds.length === 0) return;
    const { rows } = await db.query<{ version_id: string; model: string; provider: string; mode: string; prices: UnitPrices; tiers: PriceTier[] }>(
      `SELECT version_id, model, provider, mode, prices, tiers FROM ${ident(this.schema)}.price_entries WHERE version_id = ANY($1::uuid[])`,
      [versionIds],
    );
    for (const id of versionIds) this.entriesByVersion.set(id, []);
    for (const row of rows) {
      this.entriesByVersion.get(row.version_id)?.push({ model: row.model, provider: row.provider, mode: row.mode, prices: row.prices, tiers: row.tiers });
    }
  }
}
