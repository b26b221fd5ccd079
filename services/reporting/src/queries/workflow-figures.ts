import { ident } from '@estate/projection';
import { WorkflowFigures } from '@estate/reporting-model';
import type { Pool } from 'pg';

/** Facts with no workflow are reported under this name, so no call, cost or decision is left out of a total. */
export const NO_WORKFLOW = '(no workflow)';

export interface Window {
  tenantId: string;
  from: Date;
  to: Date;
}

/**
 * Joins every stream per workflow for one window. A fact finds its workflow
 * by its own attribution first, then by the trace it belongs to. Calls are
 * traces; latency is trace duration; tokens and cost are summed over priced
 * model calls. Approvals waiting (requested before the window ends) and open
 * exception windows are counted as they stand now, the rest over the window.
 */
export async function workflowFigures(pool: Pool, schema: string, w: Window): Promise<WorkflowFigures[]> {
  const s = ident(schema);
  const { rows } = await pool.query(
    `WITH traces AS (
       SELECT coalesce(workflow, $4) AS workflow, count(*)::int AS calls, count(*) FILTER (WHERE error_count > 0)::int AS errors,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99
       FROM ${s}.trace_facts WHERE tenant_id = $1 AND started_at >= $2 AND started_at < $3 GROUP BY 1),
     costs AS (
       SELECT coalesce(c.workflow, t.workflow, $4) AS workflow, coalesce(sum(c.total_tokens), 0)::bigint AS tokens,
              coalesce(sum(c.cost), 0)::text AS cost, count(*) FILTER (WHERE c.cost IS NULL)::int AS unpriced
       FROM ${s}.cost_facts c LEFT JOIN ${s}.trace_facts t ON t.tenant_id = c.tenant_id AND t.trace_id = c.trace_id
       WHERE c.tenant_id = $1 AND c.occurred_at >= $2 AND c.occurred_at < $3 GROUP BY 1),
     decisions AS (
       SELECT coalesce(d.workflow, t.workflow, $4) AS workflow,
              count(*) FILTER (WHERE d.outcome = 'allow')::int AS allow, count(*) FILTER (WHERE d.outcome = 'deny')::int AS deny,
              count(*) FILTER (WHERE d.outcome = 'require_approval')::int AS require_approval
       FROM ${s}.decision_facts d LEFT JOIN ${s}.trace_facts t ON t.tenant_id = d.tenant_id AND t.trace_id = d.trace_id
       WHERE d.tenant_id = $1 AND d.decided_at >= $2 AND d.decided_at < $3 GROUP BY 1),
     approvals AS (
       SELECT coalesce(d.workflow, t.workflow, $4) AS workflow,
              count(*) FILTER (WHERE a.state = 'pending' AND a.requested_at < $3 AND (a.expires_at IS NULL OR a.expires_at > now()))::int AS waiting,
              count(*) FILTER (WHERE a.state IN ('granted', 'denied') AND a.decided_at >= $2 AND a.decided_at < $3)::int AS decided
       FROM ${s}.approvals a
       LEFT JOIN ${s}.decision_facts d ON d.tenant_id = a.tenant_id AND d.decision_id = a.decision_id
       LEFT JOIN ${s}.trace_facts t ON t.tenant_id = a.tenant_id AND t.trace_id = a.trace_id
       WHERE a.tenant_id = $1 GROUP BY 1),
     exceptions AS (
       SELECT coalesce(d.workflow, t.workflow, $4) AS workflow, count(DISTINCT x.window_id)::int AS open_windows
       FROM ${s}.decision_facts d
       JOIN ${s}.exception_windows x ON x.tenant_id = d.tenant_id AND x.window_id = ANY(d.exception_window_ids)
       LEFT JOIN ${s}.trace_facts t ON t.tenant_id = d.tenant_id AND t.trace_id = d.trace_id
       WHERE d.tenant_id = $1 AND x.state = 'open' AND x.ends_at > now() GROUP BY 1),
     signals AS (
       SELECT coalesce(g.workflow, t.workflow, $4) AS workflow, count(*)::int AS signals
       FROM ${s}.spend_signals g LEFT JOIN ${s}.trace_facts t ON t.tenant_id = g.tenant_id AND t.trace_id = g.trace_id
       WHERE g.tenant_id = $1 AND g.raised_at >= $2 AND g.raised_at < $3 GROUP BY 1),
     names AS (
       SELECT workflow FROM traces UNION SELECT workflow FROM costs UNION SELECT workflow FROM decisions
       UNION SELECT workflow FROM approvals WHERE waiting + decided > 0 UNION SELECT workflow FROM signals)
     SELECT n.workflow, owner.owner_team AS owner, coalesce(tr.calls, 0) AS calls, coalesce(tr.errors, 0) AS errors, tr.p50, tr.p95, tr.p99,
            coalesce(c.tokens, 0)::text AS tokens, coalesce(c.cost, '0') AS cost, coalesce(c.unpriced, 0) AS unpriced,
            coalesce(d.allow, 0) AS allow, coalesce(d.deny, 0) AS deny, coalesce(d.require_approval, 0) AS require_approval,
            coalesce(a.waiting, 0) AS waiting, coalesce(a.decided, 0) AS decided, coalesce(x.open_windows, 0) AS open_windows,
            coalesce(g.signals, 0) AS signals
     FROM names n
     LEFT JOIN traces tr USING (workflow) LEFT JOIN costs c USING (workflow) LEFT JOIN decisions d USING (workflow)
     LEFT JOIN approvals a USING (workflow) LEFT JOIN exceptions x USING (workflow) LEFT JOIN signals g USING (workflow)
     LEFT JOIN LATERAL (
       -- Traces often name the agent where no workflow attribute is set, so a registered agent of
       -- that name gives the owner when no workflow does.
       SELECT owner_team FROM ${s}.inventory_assets i
       WHERE i.tenant_id = $1 AND i.kind IN ('workflow', 'agent') AND i.name = n.workflow AND i.lifecycle <> 'retired'
       ORDER BY i.kind <> 'workflow', i.owner_team IS NULL, i.asset_id LIMIT 1) owner ON true
     ORDER BY n.workflow`,
    [w.tenantId, w.from, w.to, NO_WORKFLOW],
  );
  return rows.map((r) => ({
    workflow: r.workflow,
    owner: r.owner ?? null,
    calls: r.calls,
    errors: r.errors,
    errorRate: r.calls > 0 ? r.errors / r.calls : 0,
    latencyMs: { p50: r.p50 ?? null, p95: r.p95 ?? null, p99: r.p99 ?? null },
    tokens: Number(r.tokens),
    cost: normaliseDecimal(r.cost),
    unpricedCalls: r.unpriced,
    decisions: { allow: r.allow, deny: r.deny, requireApproval: r.require_approval },
    approvals: { waiting: r.waiting, decided: r.decided },
    openExceptionWindows: r.open_windows,
    ungatedSensitiveReachPaths: 0,
    spendSignals: r.signals,
  }));
}

/** Drops trailing fractional zeros Postgres keeps from numeric scale, so equal amounts print equally. */
export function normaliseDecimal(text: string): string {
  if (!text.includes('.')) return text;
  const trimmed = text.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed === '' || trimmed === '-' ? '0' : trimmed;
}
