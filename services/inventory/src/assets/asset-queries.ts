import { Inject, Injectable } from '@nestjs/common';
import { ident } from '@estate/projection';
import { AppError, PG_POOL, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';

export interface AssetView {
  assetId: string;
  kind: string;
  name: string;
  version: number;
  assetVersion: string | null;
  ownerTeam: string | null;
  purpose: string | null;
  environment: string | null;
  dataClassification: string | null;
  policyClass: string | null;
  lifecycle: string;
  labels: Record<string, string>;
  externalRefs: Record<string, string>;
  attributes: Record<string, unknown>;
  definitionHash: string | null;
  registeredAt: string;
  updatedAt: string;
}

export const ASSET_COLUMNS = `asset_id, kind, name, version, asset_version, owner_team, purpose, environment, data_classification, policy_class,
  lifecycle, labels, external_refs, attributes, definition_hash, registered_at, updated_at`;

export function toAssetView(r: Record<string, unknown>): AssetView {
  return {
    assetId: r.asset_id as string,
    kind: r.kind as string,
    name: r.name as string,
    version: r.version as number,
    assetVersion: r.asset_version as string | null,
    ownerTeam: r.owner_team as string | null,
    purpose: r.purpose as string | null,
    environment: r.environment as string | null,
    dataClassification: r.data_classification as string | null,
    policyClass: r.policy_class as string | null,
    lifecycle: r.lifecycle as string,
    labels: r.labels as Record<string, string>,
    externalRefs: r.external_refs as Record<string, string>,
    attributes: r.attributes as Record<string, unknown>,
    definitionHash: r.definition_hash as string | null,
    registeredAt: new Date(r.registered_at as string).toISOString(),
    updatedAt: new Date(r.updated_at as string).toISOString(),
  };
}

/** Reads the projected asset and relationship tables, always within the caller's tenant. */
@Injectable()
export class AssetQueries {
  private readonly schema: string;

  constructor(@Inject(PG_POOL) private readonly pool: Pool, @Inject(SERVICE_OPTIONS) options: ServiceOptions) {
    this.schema = ident(options.schema);
  }

  async get(tenantId: string, assetId: string): Promise<AssetView> {
    const result = await this.pool.query(`SELECT ${ASSET_COLUMNS} FROM ${this.schema}.assets WHERE tenant_id = $1 AND asset_id = $2`, [tenantId, assetId]);
    if (result.rowCount === 0) throw new AppError('not_found', `asset ${assetId} is not in the read model of this tenant; it may not exist or not be projected yet`, 'id');
    return toAssetView(result.rows[0]);
  }

  async list(tenantId: string, filter: { kind?: string; environment?: string; name?: string; limit: number; after?: string }): Promise<AssetView[]> {
    const result = await this.pool.query(
      `SELECT ${ASSET_COLUMNS} FROM ${this.schema}.assets
       WHERE tenant_id = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR environment = $3)
         AND ($4::text IS NULL OR name = $4) AND ($5::text IS NULL OR asset_id > $5)
       ORDER BY asset_id LIMIT $6`,
      [tenantId, filter.kind ?? null, filter.environment ?? null, filter.name ?? null, filter.after ?? null, filter.limit],
    );
    return result.rows.map(toAssetView);
  }

  async relationships(tenantId: string, assetId: string | undefined, includeEnded: boolean, limit: number): Promise<unknown[]> {
    const result = await this.pool.query(
      `SELECT relationship_id, type, from_id, from_kind, to_id, to_kind, source, version, first_seen_at, last_seen_at, valid_until, ended_at
       FROM ${this.schema}.relationships
       WHERE tenant_id = $1 AND ($2::text IS NULL OR from_id = $2 OR to_id = $2) AND ($3 OR ended_at IS NULL)
       ORDER BY relationship_id LIMIT $4`,
      [tenantId, assetId ?? null, includeEnded, limit],
    );
    return result.rows.map((r) => ({
      relationshipId: r.relationship_id,
      type: r.type,
      fromId: r.from_id,
      fromKind: r.from_kind,
      toId: r.to_id,
      toKind: r.to_kind,
      source: r.source,
      version: r.version,
      firstSeenAt: iso(r.first_seen_at),
      lastSeenAt: iso(r.last_seen_at),
      validUntil: iso(r.valid_until),
      endedAt: iso(r.ended_at),
    }));
  }
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);
