import type { Pool } from 'pg';

export interface Share {
  covered: number;
  total: number;
  /** covered / total rounded to four places, or null when there is nothing to count. */
  ratio: number | null;
}

const share = (covered: number, total: number): Share => ({ covered, total, ratio: total === 0 ? null : Math.round((covered / total) * 10_000) / 10_000 });

/** Coverage figures for the reports, over active assets of one tenant; `schema` is already quoted. */
export async function coverage(pool: Pool, schema: string, tenantId: string) {
  const assets = await pool.query(
    `SELECT count(*)::int AS total,
       count(*) FILTER (WHERE owner_team IS NOT NULL)::int AS owned,
       count(*) FILTER (WHERE purpose IS NOT NULL)::int AS with_purpose,
       count(*) FILTER (WHERE policy_class IS NOT NULL)::int AS with_policy_class,
       count(*) FILTER (WHERE kind = 'workflow')::int AS workflows,
       count(*) FILTER (WHERE kind = 'workflow' AND data_classification IS NOT NULL AND policy_class IS NOT NULL)::int AS workflows_classified
     FROM ${schema}.assets WHERE tenant_id = $1 AND lifecycle <> 'retired'`,
    [tenantId],
  );
  const seen = await pool.query(
    `SELECT count(DISTINCT (observed_kind, name))::int AS total,
       count(DISTINCT (observed_kind, name)) FILTER (WHERE matched_asset_id IS NOT NULL)::int AS registered
     FROM ${schema}.runtime_sightings WHERE tenant_id = $1 AND observed_kind NOT IN ('provider', 'service')`,
    [tenantId],
  );
  const a = assets.rows[0];
  return {
    assets: a.total,
    withOwner: share(a.owned, a.total),
    withPurpose: share(a.with_purpose, a.total),
    withPolicyClass: share(a.with_policy_class, a.total),
    workflowsClassified: share(a.workflows_classified, a.workflows),
    runtimeSeenRegistered: share(seen.rows[0].registered, seen.rows[0].total),
  };
}
