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

/** Projects tenants and API keys from the access topic; the guard reads the result. */
export class AccessProjection implements Projection {
  readonly name = 'access';
  readonly topics = [Topics.accessEvents];
  readonly handles = [TenantCreatedV1.type, ApiKeyCreatedV1.type, ApiKeyRevokedV1.type];
  readonly tables = [{ name: 'tenants' }, { name: 'api_keys' }];

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const s = ident(schema);
    for (const event of events) {
      switch (event.type) {
        case TenantCreatedV1.type: {
          const p = event.payload as TenantCreated;
          await client.query(
            `INSERT INTO ${s}.tenants (tenant_id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (tenant_id) DO NOTHING`,
            [p.tenantId, p.name, event.recordedAt],
          );
          break;
        }
        case ApiKeyCreatedV1.type: {
          const p = event.payload as ApiKeyCreated;
          await client.query(
            `INSERT INTO ${s}.api_keys (key_id, tenant_id, role, key_hash, label, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key_id) DO NOTHING`,
            [p.keyId, p.tenantId, p.role, p.keyHash, p.label, p.createdBy, event.recordedAt, p.expiresAt ?? null],
          );
          break;
        }
        case ApiKeyRevokedV1.type: {
          const p = event.payload as ApiKeyRevoked;
          await client.query(
            `UPDATE ${s}.api_keys SET revoked_at = $3, revoked_by = $4 WHERE key_id = $1 AND tenant_id = $2 AND revoked_at IS NULL`,
            [p.keyId, p.tenantId, event.recordedAt, p.revokedBy],
          );
          break;
        }
      }
    }
  }
}
