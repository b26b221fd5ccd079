import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { buildCedarSchema, cedar, EntityJson, EntityUid } from '@estate/policy-engine';
import { ident } from '@estate/projection';
import { AppError, PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import canonicalize from 'canonicalize';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { TenantSnapshots } from './tenant-snapshots';

interface CachedEntity {
  json: EntityJson;
  /** Short content hash; decision cache keys include it, so a changed entity misses the cache. */
  hash: string;
}

interface TenantEntities {
  revision: string;
  byKey: Map<string, CachedEntity>;
}

export interface EntitySlice {
  entities: EntityJson[];
  versions: string[];
}

const uidKey = (uid: EntityUid) => `${uid.type}::${uid.id}`;
const uidOf = (json: EntityJson) => json.uid as EntityUid;

/**
 * The entities decisions read, per tenant: kept in Postgres (written by the
 * API and by the inventory projection), loaded into memory on a tenant's
 * first decision, and reloaded when the tenant's entity revision moves.
 * A decision receives only its slice: principal, resource and their parents.
 */
@Injectable()
export class EntityCache {
  private readonly tenants: TenantSnapshots<TenantEntities>;
  private readonly s: string;
  private readonly schemaText = buildCedarSchema();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) options: ServiceOptions,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.s = ident(options.schema);
    this.tenants = new TenantSnapshots('entity cache', (tenantId, previous) => this.load(tenantId, previous), logger);
  }

  /**
   * Returns the entities a request needs. Entities sent with the request
   * replace cached ones for this request only; they are not stored.
   */
  async slice(tenantId: string, uids: EntityUid[], fromRequest: EntityJson[]): Promise<EntitySlice> {
    const cached = (await this.tenants.get(tenantId)).byKey;
    const requestByKey = new Map(fromRequest.map((e) => [uidKey(uidOf(e)), { json: e, hash: hashEntity(e) }]));
    const picked = new Map<string, CachedEntity>();
    const add = (uid: EntityUid) => {
      const key = uidKey(uid);
      if (picked.has(key)) return;
      const entity = requestByKey.get(key) ?? cached.get(key);
      if (entity) picked.set(key, entity);
      return entity;
    };
    for (const uid of uids) {
      const entity = add(uid);
      for (const parent of entity?.json.parents ?? []) add(parent as EntityUid);
    }
    for (const [key, entity] of requestByKey) if (!picked.has(key)) picked.set(key, entity);
    const entities = [...picked.values()];
    return { entities: entities.map((e) => e.json), versions: entities.map((e) => `${uidKey(uidOf(e.json))}@${e.hash}`) };
  }

  async get(tenantId: string, uid: EntityUid): Promise<EntityJson | undefined> {
    return (await this.tenants.get(tenantId)).byKey.get(uidKey(uid))?.json;
  }

  /** Validates against the schema, stores and caches; with `merge`, new attributes are laid over stored ones. */
  async upsert(tenantId: string, entities: EntityJson[], merge = true): Promise<void> {
    const cached = (await this.tenants.get(tenantId)).byKey;
    const merged = entities.map((e) => {
      const existing = merge ? cached.get(uidKey(uidOf(e)))?.json : undefined;
      return existing ? { uid: e.uid, attrs: { ...existing.attrs, ...e.attrs }, parents: e.parents.length ? e.parents : existing.parents } : e;
    });
    const check = cedar.checkParseEntities({ entities: merged, schema: this.schemaText });
    if (check.type === 'failure') {
      throw new AppError('invalid_argument', `entities do not match the Cedar schema: ${check.errors.map((e) => e.message).join('; ')}`, 'entities');
    }
    const hashes = merged.map(hashEntity);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO ${this.s}.entities (tenant_id, entity_type, entity_id, attrs, parents, content_hash, updated_at)
         SELECT $1, t.type, t.id, t.attrs, t.parents, t.hash, now()
           FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::text[]) AS t(type, id, attrs, parents, hash)
         ON CONFLICT (tenant_id, entity_type, entity_id) DO UPDATE
           SET attrs = EXCLUDED.attrs, parents = EXCLUDED.parents, content_hash = EXCLUDED.content_hash, updated_at = EXCLUDED.updated_at, source = 'api'`,
        [
          tenantId,
          merged.map((e) => uidOf(e).type),
          merged.map((e) => uidOf(e).id),
          merged.map((e) => JSON.stringify(e.attrs)),
          merged.map((e) => JSON.stringify(e.parents)),
          hashes,
        ],
      );
      await bumpEntityRevisions(client, this.s, [tenantId]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
    merged.forEach((e, i) => cached.set(uidKey(uidOf(e)), { json: e, hash: hashes[i] }));
  }

  /** Reloads the tenant's entities when its revision differs from the loaded one; one cheap query otherwise. */
  private async load(tenantId: string, previous: TenantEntities | undefined): Promise<TenantEntities> {
    const revision = await this.pool.query<{ revision: string }>(`SELECT revision FROM ${this.s}.entity_revisions WHERE tenant_id = $1`, [tenantId]);
    const current = revision.rows[0]?.revision ?? '0';
    if (previous && previous.revision === current) return previous;
    const { rows } = await this.pool.query<{ entity_type: string; entity_id: string; attrs: EntityJson['attrs']; parents: EntityJson['parents']; content_hash: string }>(
      `SELECT entity_type, entity_id, attrs, parents, content_hash FROM ${this.s}.entities WHERE tenant_id = $1`,
      [tenantId],
    );
    const byKey = new Map<string, CachedEntity>();
    for (const row of rows) {
      const json: EntityJson = { uid: { type: row.entity_type, id: row.entity_id }, attrs: row.attrs, parents: row.parents };
      byKey.set(uidKey({ type: row.entity_type, id: row.entity_id }), { json, hash: row.content_hash });
    }
    return { revision: current, byKey };
  }
}

/** Bumps the entity revision of each tenant inside the caller's transaction, so every replica reloads them. */
export async function bumpEntityRevisions(client: PoolClient, quotedSchema: string, tenantIds: string[]): Promise<void> {
  if (tenantIds.length === 0) return;
  await client.query(
    `INSERT INTO ${quotedSchema}.entity_revisions (tenant_id, revision) SELECT unnest($1::text[]), 1
     ON CONFLICT (tenant_id) DO UPDATE SET revision = entity_revisions.revision + 1`,
    [tenantIds],
  );
}

export function hashEntity(entity: EntityJson): string {
  return createHash('sha256').update(canonicalize(entity) ?? '').digest('hex').slice(0, 16);
}
