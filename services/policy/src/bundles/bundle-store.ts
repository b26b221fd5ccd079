import { ident } from '@estate/projection';
import type { McpTool } from '@estate/policy-engine';
import type { Pool, PoolClient } from 'pg';

export interface StoredBundleVersion {
  version: number;
  policies: string;
  schemaText: string;
  /** The MCP tools whose generated actions the schema contains, as imported when the version was published. */
  tools: McpTool[];
  sha256: string;
  policyIds: string[];
  description: string | null;
  publishedBy: string;
  publishedAt: string;
}

export interface Activation {
  seq: number;
  version: number;
  kind: 'activated' | 'rolled-back';
}

/** Bundle versions and their activation history, always scoped to one tenant. */
export class BundleStore {
  private readonly s: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = ident(schema);
  }

  async nextVersion(client: PoolClient, tenantId: string): Promise<number> {
    const { rows } = await client.query<{ next: number }>(
      `SELECT COALESCE(MAX(version), 0) + 1 AS next FROM ${this.s}.bundle_versions WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0].next;
  }

  /** Inserts a version; the primary key turns a concurrent publish of the same number into a unique violation. */
  async insertVersion(client: PoolClient, tenantId: string, bundle: Omit<StoredBundleVersion, 'publishedAt'>): Promise<void> {
    await client.query(
      `INSERT INTO ${this.s}.bundle_versions
         (tenant_id, version, policies, schema_text, tools, sha256, policy_ids, description, published_by, published_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())`,
      [tenantId, bundle.version, bundle.policies, bundle.schemaText, JSON.stringify(bundle.tools), bundle.sha256, bundle.policyIds, bundle.description, bundle.publishedBy],
    );
  }

  async findVersion(tenantId: string, version: number): Promise<StoredBundleVersion | undefined> {
    const { rows } = await this.pool.query(
      `SELECT version, policies, schema_text AS "schemaText", tools, sha256, policy_ids AS "policyIds", description,
              published_by AS "publishedBy", published_at AS "publishedAt"
         FROM ${this.s}.bundle_versions WHERE tenant_id = $1 AND version = $2`,
      [tenantId, version],
    );
    return rows[0];
  }

  async listVersions(tenantId: string): Promise<Array<Omit<StoredBundleVersion, 'policies' | 'schemaText'>>> {
    const { rows } = await this.pool.query(
      `SELECT version, sha256, policy_ids AS "policyIds", description, published_by AS "publishedBy", published_at AS "publishedAt"
         FROM ${this.s}.bundle_versions WHERE tenant_id = $1 ORDER BY version DESC LIMIT 100`,
      [tenantId],
    );
    return rows;
  }

  /** Newest activations first; the first one is the active version. */
  async activations(client: Pool | PoolClient, tenantId: string, limit: number): Promise<Activation[]> {
    const { rows } = await client.query<Activation>(
      `SELECT seq, version, kind FROM ${this.s}.bundle_activations WHERE tenant_id = $1 ORDER BY seq DESC LIMIT $2`,
      [tenantId, limit],
    );
    return rows;
  }

  /** Appends an activation; the (tenant, seq) key rejects a concurrent change made from the same history. */
  async appendActivation(client: PoolClient, tenantId: string, seq: number, version: number, kind: Activation['kind'], actor: string): Promise<void> {
    await client.query(
      `INSERT INTO ${this.s}.bundle_activations (tenant_id, seq, version, kind, actor, at) VALUES ($1, $2, $3, $4, $5, now())`,
      [tenantId, seq, version, kind, actor],
    );
  }
}

export const bundleVersionLabel = (version: number): string => `v${version}`;

export function parseVersionLabel(label: string): number | undefined {
  const match = /^v?([1-9]\d{0,8})$/.exec(label);
  return match ? Number(match[1]) : undefined;
}
