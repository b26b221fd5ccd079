import { GOVERNANCE_AREAS } from '@estate/contracts';
import { ident } from '@estate/projection';
import { AreaReview, coverage, Scorecard } from '@estate/reporting-model';
import type { Pool } from 'pg';
import { GOVERNED_KINDS } from './estate-state';
import { Window } from './workflow-figures';

/** Observed kinds the inventory registers, with the asset kinds a registration may use. */
const OBSERVED_TO_ASSET_KINDS: Record<string, string[]> = {
  model: ['model', 'model-version', 'deployment', 'model-route'],
  agent: ['agent'],
  tool: ['tool'],
  mcp_server: ['mcp-server'],
  workflow: ['workflow'],
};

interface Counts {
  [name: string]: string | number;
}

/**
 * Measures the first-90-days scorecard. Coverage of the inventory,
 * ownership, classification and exception windows is measured as the
 * estate stands now; policy context and spend over the window; review
 * cadence at the window's end.
 */
export async function scorecard(pool: Pool, schema: string, w: Window, now: Date): Promise<Scorecard> {
  const s = ident(schema);
  const kindMap = JSON.stringify(OBSERVED_TO_ASSET_KINDS);
  const { rows } = await pool.query<Counts>(
    `SELECT
       (SELECT count(*) FROM ${s}.runtime_assets r WHERE r.tenant_id = $1 AND r.observed_kind = ANY($5::text[])
          AND EXISTS (SELECT 1 FROM ${s}.inventory_assets i WHERE i.tenant_id = r.tenant_id AND i.name = r.name AND i.lifecycle <> 'retired'
                      AND i.kind IN (SELECT jsonb_array_elements_text($6::jsonb -> r.observed_kind)))) AS seen_registered,
       (SELECT count(*) FROM ${s}.runtime_assets r WHERE r.tenant_id = $1 AND r.observed_kind = ANY($5::text[])) AS seen,
       (SELECT count(*) FILTER (WHERE owner_team IS NOT NULL) FROM ${s}.inventory_assets WHERE tenant_id = $1 AND lifecycle <> 'retired' AND kind = ANY($4::text[])) AS owned,
       (SELECT count(*) FILTER (WHERE data_classification IS NOT NULL) FROM ${s}.inventory_assets WHERE tenant_id = $1 AND lifecycle <> 'retired' AND kind = ANY($4::text[])) AS classified,
       (SELECT count(*) FROM ${s}.inventory_assets WHERE tenant_id = $1 AND lifecycle <> 'retired' AND kind = ANY($4::text[])) AS governed,
       (SELECT count(*) FILTER (WHERE all_context) FROM (SELECT bool_and(has_policy_context) AS all_context FROM ${s}.trace_facts
          WHERE tenant_id = $1 AND started_at >= $2 AND started_at < $3 AND workflow IS NOT NULL GROUP BY workflow) x) AS workflows_with_context,
       (SELECT count(DISTINCT workflow) FROM ${s}.trace_facts WHERE tenant_id = $1 AND started_at >= $2 AND started_at < $3 AND workflow IS NOT NULL) AS workflows,
       (SELECT coalesce(round(sum(c.cost) FILTER (WHERE coalesce(c.workflow, t.workflow) IS NOT NULL) * 1000000), 0)::text
          FROM ${s}.cost_facts c LEFT JOIN ${s}.trace_facts t ON t.tenant_id = c.tenant_id AND t.trace_id = c.trace_id
          WHERE c.tenant_id = $1 AND c.occurred_at >= $2 AND c.occurred_at < $3) AS attributed_micros,
       (SELECT coalesce(round(sum(cost) * 1000000), 0)::text FROM ${s}.cost_facts WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3) AS spend_micros,
       (SELECT count(*) FILTER (WHERE coalesce(owner, '') <> '' AND ends_at IS NOT NULL) FROM ${s}.exception_windows WHERE tenant_id = $1 AND state = 'open') AS windows_complete,
       (SELECT count(*) FROM ${s}.exception_windows WHERE tenant_id = $1 AND state = 'open') AS windows`,
    [w.tenantId, w.from, w.to, GOVERNED_KINDS, Object.keys(OBSERVED_TO_ASSET_KINDS), kindMap],
  );
  const c = rows[0];
  const n = (key: string) => Number(c[key]);
  const reviews = await areaReviews(pool, schema, w.tenantId, w.to);
  return {
    tenantId: w.tenantId,
    period: { from: w.from.toISOString(), to: w.to.toISOString() },
    generatedAt: now.toISOString(),
    measures: {
      inventoryCoverage: coverage(n('seen_registered'), n('seen')),
      ownershipCoverage: coverage(n('owned'), n('governed')),
      classificationCoverage: coverage(n('classified'), n('governed')),
      policyContextCoverage: coverage(n('workflows_with_context'), n('workflows')),
      attributableSpend: coverage(n('attributed_micros'), n('spend_micros')),
      exceptionsWithOwnerAndEnd: coverage(n('windows_complete'), n('windows')),
      reviewsOnCadence: coverage(reviews.filter((r) => r.onCadence).length, reviews.length),
    },
    reviews,
  };
}

/** The latest review of each governance area recorded before `at`, and whether `at` is still within its cadence. */
export async function areaReviews(pool: Pool, schema: string, tenantId: string, at: Date): Promise<AreaReview[]> {
  const { rows } = await pool.query(
    `SELECT DISTINCT ON (area) area, record_id, reviewed_at, reviewed_at + make_interval(days => cadence_days) AS due_at
     FROM ${ident(schema)}.evidence_records WHERE tenant_id = $1 AND record_type = 'review' AND reviewed_at <= $2
     ORDER BY area, reviewed_at DESC, record_id`,
    [tenantId, at],
  );
  const byArea = new Map(rows.map((r) => [r.area as string, r]));
  return GOVERNANCE_AREAS.map((area) => {
    const r = byArea.get(area);
    if (!r) return { area, lastReviewId: null, lastReviewedAt: null, dueAt: null, onCadence: false };
    return { area, lastReviewId: r.record_id, lastReviewedAt: r.reviewed_at.toISOString(), dueAt: r.due_at.toISOString(), onCadence: r.due_at > at };
  });
}
