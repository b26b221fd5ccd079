import { ident } from '@estate/projection';
import type { Pool } from 'pg';
import { hashesMatch, parseKeyId } from './api-key';
import { Principal } from './principal';
import type { Role } from '@estate/contracts';

interface CachedKey {
  tenantId: string;
  role: Role;
  keyHash: string;
  active: boolean;
  loadedAt: number;
}

/**
 * Resolves API keys against the access read model. Lookups are cached for
 * `ttlMs`, so a revocation takes effect within that time on every replica.
 */
export class ApiKeyStore {
  private readonly cache = new Map<string, CachedKey>();

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly ttlMs = 5000,
  ) {}

  async authenticate(key: string, now = Date.now()): Promise<Principal | undefined> {
    const keyId = parseKeyId(key);
    if (!keyId) return undefined;
    let cached = this.cache.get(keyId);
    if (!cached || now - cached.loadedAt > this.ttlMs) {
      cached = await this.load(keyId, now);
      if (cached) this.cache.set(keyId, cached);
      else this.cache.delete(keyId);
    }
    if (!cached || !cached.active || !hashesMatch(cached.keyHash, key)) return undefined;
    return { tenantId: cached.tenantId, role: cached.role, keyId };
  }

  private async load(keyId: string, now: number): Promise<CachedKey | undefined> {
    const result = await this.pool.query<{ tenant_id: string; role: Role; key_hash: string; active: boolean }>(
      `SELECT tenant_id, role, key_hash,
              (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS active
       FROM ${ident(this.schema)}.api_keys WHERE key_id = $1`,
      [keyId],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    return { tenantId: row.tenant_id, role: row.role, keyHash: row.key_hash, active: row.active, loadedAt: now };
  }
}
