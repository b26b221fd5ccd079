import { GovernanceArea, RaciPart } from '@estate/contracts';
import { ident } from '@estate/projection';
import { raciTable, RaciRow } from '@estate/reporting-model';
import type { Pool } from 'pg';
import { BUDGET_RISK_PERCENT, GOVERNED_KINDS } from '../queries/estate-state';

export interface TeamWork {
  team: string;
  areas: Array<{ area: GovernanceArea; part: RaciPart }>;
  ownedAssets: number;
  unclassifiedAssets: number;
  ownedWorkflows: number;
  pendingApprovals: number;
  openExceptionWindows: number;
  budgetsAtRisk: number;
  incidents: number;
}

export async function raciRows(pool: Pool, schema: string, tenantId: string): Promise<RaciRow[]> {
  const { rows } = await pool.query(`SELECT area, team, part FROM ${ident(schema)}.raci_assignments WHERE tenant_id = $1 ORDER BY area, part, team`, [tenantId]);
  const configured = new Map<GovernanceArea, Array<{ team: string; part: RaciPart }>>();
  for (const r of rows) configured.set(r.area, [...(configured.get(r.area) ?? []), { team: r.team, part: r.part }]);
  return raciTable(configured);
}

/**
 * Counts what each team has open: assets it owns (and those lacking a
 * classification), approvals waiting on its workflows, exception windows it
 * owns, budgets scoped to it that are at risk, and incidents it owns. Teams
 * are those named in the RACI table or as an owner anywhere.
 */
export async function teamWork(pool: Pool, schema: string, tenantId: string, raci: RaciRow[]): Promise<TeamWork[]> {
  const s = ident(schema);
  const { rows } = await pool.query(
    `WITH assets AS (
       SELECT owner_team AS team, count(*)::int AS owned, count(*) FILTER (WHERE data_classification IS NULL)::int AS unclassified,
              count(*) FILTER (WHERE kind = 'workflow')::int AS workflows
       FROM ${s}.inventory_assets WHERE tenant_id = $1 AND lifecycle <> 'retired' AND owner_team IS NOT NULL AND kind = ANY($2::text[]) GROUP BY 1),
     approvals AS (
       SELECT wf.owner_team AS team, count(*)::int AS pending
       FROM ${s}.approvals a
       LEFT JOIN ${s}.decision_facts d ON d.tenant_id = a.tenant_id AND d.decision_id = a.decision_id
       LEFT JOIN ${s}.trace_facts t ON t.tenant_id = a.tenant_id AND t.trace_id = a.trace_id
       JOIN ${s}.inventory_assets wf ON wf.tenant_id = a.tenant_id AND wf.kind = 'workflow' AND wf.name = coalesce(d.workflow, t.workflow)
       WHERE a.tenant_id = $1 AND a.state = 'pending' AND (a.expires_at IS NULL OR a.expires_at > now()) AND wf.owner_team IS NOT NULL GROUP BY 1),
     windows AS (
       SELECT owner AS team, count(*)::int AS open FROM ${s}.exception_windows WHERE tenant_id = $1 AND state = 'open' AND owner IS NOT NULL GROUP BY 1),
     budgets AS (
       SELECT scope->>'team' AS team, count(*)::int AS at_risk FROM ${s}.budgets
       WHERE tenant_id = $1 AND scope ? 'team' AND state <> 'removed' AND (state IN ('soft_limit', 'hard_limit') OR threshold_percent >= $3) GROUP BY 1),
     incidents AS (
       SELECT owner_team AS team, count(*)::int AS incidents FROM ${s}.evidence_records
       WHERE tenant_id = $1 AND record_type = 'incident' AND owner_team IS NOT NULL GROUP BY 1),
     teams AS (
       SELECT team FROM assets UNION SELECT team FROM approvals UNION SELECT team FROM windows UNION SELECT team FROM budgets
       UNION SELECT team FROM incidents UNION SELECT unnest($4::text[]))
     SELECT team, coalesce(a.owned, 0) AS owned, coalesce(a.unclassified, 0) AS unclassified, coalesce(a.workflows, 0) AS workflows,
            coalesce(p.pending, 0) AS pending, coalesce(w.open, 0) AS open_windows, coalesce(b.at_risk, 0) AS at_risk, coalesce(i.incidents, 0) AS incidents
     FROM teams LEFT JOIN assets a USING (team) LEFT JOIN approvals p USING (team) LEFT JOIN windows w USING (team)
     LEFT JOIN budgets b USING (team) LEFT JOIN incidents i USING (team)
     ORDER BY team`,
    [tenantId, GOVERNED_KINDS, BUDGET_RISK_PERCENT, [...new Set(raci.flatMap((row) => row.assignments.map((a) => a.team)))]],
  );
  return rows.map((r) => ({
    team: r.team,
    areas: raci.flatMap((row) => row.assignments.filter((a) => a.team === r.team).map((a) => ({ area: row.area, part: a.part }))),
    ownedAssets: r.owned,
    unclassifiedAssets: r.unclassified,
    ownedWorkflows: r.workflows,
    pendingApprovals: r.pending,
    openExceptionWindows: r.open_windows,
    budgetsAtRisk: r.at_risk,
    incidents: r.incidents,
  }));
}
