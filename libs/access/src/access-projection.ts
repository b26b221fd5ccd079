import {
  ApiKeyCreated,
  ApiKeyCreatedV1,
  ApiKeyRevoked,
  ApiKeyRevokedV1,
  EventEnvelope,
  TenantCreated,
  TenantCreatedV1,
  Topics,
} from '@estate/contracts';
import { ident, Projection, ProjectionContext } from '@estate/projection';

/** Tables of the access read model, created in every service schema that checks keys. */
export function accessDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.tenants (
       tenant_id text PRIMARY KEY,
       name text NOT NULL,
       created_at timestamptz NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${s}.api_keys (
       key_id text PRIMARY KEY,
       tenant_id text NOT NULL,
       role text NOT NULL,
       key_hash text NOT NULL,
       label text NOT NULL,
       created_by text NOT NULL,
       created_at timestamptz NOT NULL,
       expires_at timestamptz,
       revoked_at timestamptz,
       revoked_by text)`,
  ];
}

/**
 * Projects tenants and API keys from the access topic; the guard reads the
 * result. Each batch is three set-based statements: tenants, then keys,
 * then revocations, because a revocation always follows its key's creation.
 */
export class AccessProjection implements Projection {
  readonly name = 'access';
  readonly topics = [Topics.accessEvents];
  readonly handles = [TenantCreatedV1.type, ApiKeyCreatedV1.type, ApiKeyRevokedV1.type];
  readonly tables = [{ name: 'tenants' }, { name: 'api_keys' }];

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const s = ident(schema);
    const of = <P>(type: string) => events.filter((e) => e.type === type) as EventEnvelope<P>[];
    const tenants = of<TenantCreated>(TenantCreatedV1.type);
    const created = of<ApiKeyCreated>(ApiKeyCreatedV1.type);
    const revoked = of<ApiKeyRevoked>(ApiKeyRevokedV1.type);

    if (tenants.length > 0) {
      await client.query(
        `INSERT INTO ${s}.tenants (tenant_id, name, created_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) ON CONFLICT (tenant_id) DO NOTHING`,
        [tenants.map((e) => e.payload.tenantId), tenants.map((e) => e.payload.name), tenants.map((e) => e.recordedAt)],
      );
    }
    if (created.length > 0) {
      const column = <K extends keyof ApiKeyCreated>(key: K) => created.map((e) => e.payload[key] ?? null);
      await client.query(
        `INSERT INTO ${s}.api_keys (key_id, tenant_id, role, key_hash, label, created_by, created_at, expires_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])
         ON CONFLICT (key_id) DO NOTHING`,
        [column('keyId'), column('tenantId'), column('role'), column('keyHash'), column('label'), column('createdBy'), created.map((e) => e.recordedAt), column('expiresAt')],
      );
    }
    if (revoked.length > 0) {
      await client.query(
        `UPDATE ${s}.api_keys AS k SET revoked_at = r.revoked_at, revoked_by = r.revoked_by
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) AS r(key_id, tenant_id, revoked_at, revoked_by)
         WHERE k.key_id = r.key_id AND k.tenant_id = r.tenant_id AND k.revoked_at IS NULL`,
        [revoked.map((e) => e.payload.keyId), revoked.map((e) => e.payload.tenantId), revoked.map((e) => e.recordedAt), revoked.map((e) => e.payload.revokedBy)],
      );
    }
  }
}
