import { formatMoney, money, ZERO } from '@estate/pricing';
import { ident } from '@estate/projection';
import { AppError } from '@estate/service-kit';
import type { Pool } from 'pg';
import { normaliseDecimal } from '../queries/workflow-figures';

export type RecordType = 'incident' | 'review';

/** The linked facts, each list by the identifiers the other services use; `unresolved` lists links this model has no fact for. */
export interface LinkedFacts {
  traces: unknown[];
  errorSpans: unknown[];
  assets: unknown[];
  decisions: unknown[];
  approvals: unknown[];
  costs: { calls: number; unpricedCalls: number; tokens: number; cost: string; byModel: unknown[] };
  workflows: unknown[];
  unresolved: Record<'traceIds' | 'assetIds' | 'decisionIds' | 'approvalIds', string[]>;
}

interface Links {
  traceIds: string[];
  assetIds: string[];
  decisionIds: string[];
  approvalIds: string[];
  workflows: string[];
}

const missing = (expected: string[], found: Array<Record<string, unknown>>, key: string) => expected.filter((id) => !found.some((row) => row[key] === id));

/** Reads one incident or review with the facts it links to: traces and their errors, assets, decisions, approvals and cost. */
export async function readRecordStory(pool: Pool, schema: string, tenantId: string, type: RecordType, id: string) {
  const s = ident(schema);
  const { rows } = await pool.query<RecordRow>(
    `SELECT * FROM ${s}.evidence_records WHERE tenant_id = $1 AND record_type = $2 AND record_id::text = $3`,
    [tenantId, type, id],
  );
  const record = rows[0];
  if (!record) {
    throw new AppError('not_found', `${type} ${id} was not found for this tenant; a record accepted moments ago appears within a few seconds`, 'id');
  }
  const links = record.links;
  return { ...recordView(record), linked: await linkedFacts(pool, s, tenantId, links) };
}

/** An `evidence_records` row as pg returns it. */
interface RecordRow {
  record_id: string;
  record_type: string;
  title: string;
  recorded_by: string;
  recorded_at: Date;
  severity: string | null;
  area: string | null;
  occurred_at: Date | null;
  detected_at: Date | null;
  reviewed_at: Date | null;
  cadence_days: number | null;
  owner_team: string | null;
  summary: string | null;
  findings: string[];
  decisions: string[];
  links: Links;
}

function recordView(r: RecordRow) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: r.record_id, type: r.record_type, title: r.title, recordedBy: r.recorded_by, recordedAt: iso(r.recorded_at),
    severity: r.severity, area: r.area, occurredAt: iso(r.occurred_at), detectedAt: iso(r.detected_at), reviewedAt: iso(r.reviewed_at),
    cadenceDays: r.cadence_days, ownerTeam: r.owner_team, summary: r.summary, findings: r.findings, decisions: r.decisions, links: r.links,
  };
}

async function linkedFacts(pool: Pool, s: string, tenantId: string, links: Links): Promise<LinkedFacts> {
  const q = async (sql: string, params: unknown[]) => (await pool.query(sql, [tenantId, ...params])).rows;
  const [traces, errorSpans, assets, decisions, approvals, byModel, workflows] = await Promise.all([
    q(`SELECT trace_id AS "traceId", workflow, environment, started_at AS "startedAt", duration_ms AS "durationMs", span_count AS "spanCount",
              error_count AS "errorCount", has_policy_context AS "hasPolicyContext", total_tokens::int AS "totalTokens"
       FROM ${s}.trace_facts WHERE tenant_id = $1 AND trace_id = ANY($2::text[]) ORDER BY started_at, trace_id`, [links.traceIds]),
    q(`SELECT trace_id AS "traceId", span_id AS "spanId", step, error_type AS "errorType", agent, tool, model, started_at AS "startedAt"
       FROM ${s}.span_facts WHERE tenant_id = $1 AND trace_id = ANY($2::text[]) AND status = 'error' ORDER BY start_ns, span_id`, [links.traceIds]),
    q(`SELECT asset_id AS "assetId", kind, name, owner_team AS "ownerTeam", environment, data_classification AS "dataClassification",
              policy_class AS "policyClass", lifecycle FROM ${s}.inventory_assets WHERE tenant_id = $1 AND asset_id = ANY($2::text[]) ORDER BY asset_id`, [links.assetIds]),
    q(`SELECT decision_id AS "decisionId", trace_id AS "traceId", principal_type || '::' || principal_id AS principal, action,
              resource_type || '::' || resource_id AS resource, outcome, bundle_version AS "bundleVersion", determining_policies AS "determiningPolicies",
              exception_window_ids AS "exceptionWindowIds", decided_at AS "decidedAt"
       FROM ${s}.decision_facts WHERE tenant_id = $1 AND (decision_id = ANY($2::text[]) OR trace_id = ANY($3::text[])) ORDER BY decided_at, decision_id`,
      [links.decisionIds, links.traceIds]),
    q(`SELECT approval_id AS "approvalId", trace_id AS "traceId", decision_id AS "decisionId", state, principal_id AS "principalId", action,
              resource_id AS "resourceId", requested_by AS "requestedBy", requested_at AS "requestedAt", decided_at AS "decidedAt", decided_by AS "decidedBy"
       FROM ${s}.approvals WHERE tenant_id = $1 AND (approval_id = ANY($2::text[]) OR trace_id = ANY($3::text[])) ORDER BY requested_at, approval_id`,
      [links.approvalIds, links.traceIds]),
    q(`SELECT model, count(*)::int AS calls, count(*) FILTER (WHERE cost IS NULL)::int AS "unpricedCalls", sum(total_tokens)::int AS tokens,
              coalesce(sum(cost), 0)::text AS cost
       FROM ${s}.cost_facts WHERE tenant_id = $1 AND trace_id = ANY($2::text[]) GROUP BY model ORDER BY model`, [links.traceIds]),
    q(`SELECT w.name AS workflow, a.asset_id AS "assetId", a.owner_team AS "ownerTeam"
       FROM unnest($2::text[]) AS w(name) LEFT JOIN ${s}.inventory_assets a ON a.tenant_id = $1 AND a.kind = 'workflow' AND a.name = w.name
       ORDER BY w.name`, [links.workflows]),
  ]);
  const costRows = byModel.map((r) => ({ ...r, cost: normaliseDecimal(r.cost) }));
  return {
    traces,
    errorSpans,
    assets,
    decisions,
    approvals,
    costs: {
      calls: costRows.reduce((n, r) => n + r.calls, 0),
      unpricedCalls: costRows.reduce((n, r) => n + r.unpricedCalls, 0),
      tokens: costRows.reduce((n, r) => n + r.tokens, 0),
      cost: formatMoney(costRows.reduce((sum, r) => sum.plus(money(r.cost)), ZERO)),
      byModel: costRows,
    },
    workflows,
    unresolved: {
      traceIds: missing(links.traceIds, traces, 'traceId'),
      assetIds: missing(links.assetIds, assets, 'assetId'),
      decisionIds: missing(links.decisionIds, decisions, 'decisionId'),
      approvalIds: missing(links.approvalIds, approvals, 'approvalId'),
    },
  };
}
