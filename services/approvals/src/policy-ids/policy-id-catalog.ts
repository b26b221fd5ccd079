import { ident } from '@estate/projection';
import { DEFAULT_POLICY_IDS, RUNTIME_CHECK_IDS } from '@estate/policy-engine';
import type { Pool } from 'pg';

const ALWAYS_KNOWN = new Set<string>([...DEFAULT_POLICY_IDS, ...RUNTIME_CHECK_IDS]);

/**
 * The policy ids an exception window may name for a tenant: the default
 * bundle's, the runtime checks', and every id the tenant has published.
 * NOTE: published ids arrive through the policy events topic, so an id
 * published a moment ago may not be known here yet.
 */
export class PolicyIdCatalog {
  private readonly s: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = ident(schema);
  }

  /** Returns the ids of `policyIds` that are not known for the tenant, in request order. */
  async unknownIds(tenantId: string, policyIds: readonly string[]): Promise<string[]> {
    const candidates = [...new Set(policyIds.filter((id) => !ALWAYS_KNOWN.has(id)))];
    if (candidates.length === 0) return [];
    const { rows } = await this.pool.query<{ policy_id: string }>(
      `SELECT policy_id FROM ${this.s}.bundle_policy_ids WHERE tenant_id = $1 AND policy_id = ANY($2::text[])`,
      [tenantId, candidates],
    );
    const published = new Set(rows.map((r) => r.policy_id));
    return candidates.filter((id) => !published.has(id));
  }
}

/** Explains a rejected exception window: which ids are unknown and where the valid ones are listed. */
export function unknownPolicyIdsMessage(unknown: readonly string[]): string {
  const named = unknown.map((id) => `"${id}"`).join(', ');
  return (
    `unknown policy id${unknown.length === 1 ? '' : 's'} ${named}. A window may name the ids of the tenant's published policy bundles ` +
    `(listed by GET /v1/policy-bundles/active and GET /v1/policy-bundles/versions/{version} on the policy service), ` +
    `the default bundle's ids, or the runtime checks ${RUNTIME_CHECK_IDS.join(', ')}. ` +
    'A bundle published in the last few seconds may not be known here yet; retry then.'
  );
}
