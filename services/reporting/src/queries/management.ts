import { ident } from '@estate/projection';
import { BaselineMove, movesAgainstBaseline, WindowStats } from '@estate/reporting-model';
import type { Pool } from 'pg';
import { NO_WORKFLOW, Window } from './workflow-figures';

/** How many example traces a failure cluster lists. */
const EXAMPLE_TRACES = 5;

export interface FailureCluster {
  workflow: string;
  model: string | null;
  tool: string | null;
  errorType: string;
  failures: number;
  traces: number;
  firstSeenAt: string;
  lastSeenAt: string;
  exampleTraceIds: string[];
}

/** Failed spans in the window grouped by workflow, model, tool and error type, largest cluster first. */
export async function failureClusters(pool: Pool, schema: string, w: Window): Promise<FailureCluster[]> {
  const s = ident(schema);
  const { rows } = await pool.query(
    `SELECT coalesce(f.workflow, t.workflow, $4) AS workflow, f.model, f.tool, coalesce(f.error_type, 'unknown') AS error_type,
            count(*)::int AS failures, count(DISTINCT f.trace_id)::int AS traces, min(f.started_at) AS first_seen, max(f.started_at) AS last_seen,
            (array_agg(DISTINCT f.trace_id))[1:$5] AS examples
     FROM ${s}.span_facts f LEFT JOIN ${s}.trace_facts t ON t.tenant_id = f.tenant_id AND t.trace_id = f.trace_id
     WHERE f.tenant_id = $1 AND f.status = 'error' AND f.started_at >= $2 AND f.started_at < $3
     GROUP BY 1, 2, 3, 4 ORDER BY failures DESC, workflow, error_type`,
    [w.tenantId, w.from, w.to, NO_WORKFLOW, EXAMPLE_TRACES],
  );
  return rows.map((r) => ({
    workflow: r.workflow, model: r.model, tool: r.tool, errorType: r.error_type, failures: r.failures, traces: r.traces,
    firstSeenAt: r.first_seen.toISOString(), lastSeenAt: r.last_seen.toISOString(), exampleTraceIds: r.examples,
  }));
}

export const BASELINE_SUBJECTS = { promptVersion: 'prompt_version', modelRoute: 'model_route' } as const;
export type BaselineSubject = keyof typeof BASELINE_SUBJECTS;

export interface BaselineMover {
  subject: BaselineSubject;
  name: string;
  current: WindowStats;
  baseline: WindowStats;
  moves: BaselineMove[];
}

/**
 * Compares each prompt version and model route in the window with its own
 * figures over the baseline window before it, per span that names it, and
 * returns those that moved against the baseline.
 */
export async function baselineMovers(pool: Pool, schema: string, w: Window, baselineFrom: Date): Promise<BaselineMover[]> {
  const movers: BaselineMover[] = [];
  for (const [subject, column] of Object.entries(BASELINE_SUBJECTS) as Array<[BaselineSubject, string]>) {
    const { rows } = await pool.query(
      `SELECT ${column} AS name, started_at >= $3 AS current, count(*)::int AS calls, count(*) FILTER (WHERE status = 'error')::int AS errors,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95, avg(total_tokens) FILTER (WHERE total_tokens > 0)::float8 AS mean_tokens
       FROM ${ident(schema)}.span_facts
       WHERE tenant_id = $1 AND ${column} IS NOT NULL AND started_at >= $2 AND started_at < $4
       GROUP BY 1, 2`,
      [w.tenantId, baselineFrom, w.from, w.to],
    );
    const stats = new Map<string, { current?: WindowStats; baseline?: WindowStats }>();
    for (const r of rows) {
      const entry = stats.get(r.name) ?? {};
      entry[r.current ? 'current' : 'baseline'] = { calls: r.calls, errorRate: r.errors / r.calls, p95LatencyMs: r.p95, meanTokens: r.mean_tokens };
      stats.set(r.name, entry);
    }
    for (const [name, { current, baseline }] of [...stats.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (!current || !baseline) continue;
      const moves = movesAgainstBaseline(current, baseline);
      if (moves.length > 0) movers.push({ subject, name, current, baseline, moves });
    }
  }
  return movers;
}

export interface Recurrence {
  principal: string;
  resource: string;
  count: number;
  lastAt: string;
  ids: string[];
}

/** Denials in the window, and exception windows opened in it, that recur for the same principal (agent) and resource (tool). */
export async function recurring(pool: Pool, schema: string, w: Window, minCount: number): Promise<{ denials: Recurrence[]; exceptions: Recurrence[] }> {
  const s = ident(schema);
  const params = [w.tenantId, w.from, w.to, minCount];
  type RecurrenceRow = { principal: string; resource: string; count: number; last_at: Date; ids: string[] };
  const [denials, exceptions] = await Promise.all([
    pool.query<RecurrenceRow>(
      `SELECT principal_type || '::' || principal_id AS principal, resource_type || '::' || resource_id AS resource, count(*)::int AS count,
              max(decided_at) AS last_at, array_agg(decision_id ORDER BY decided_at DESC) AS ids
       FROM ${s}.decision_facts WHERE tenant_id = $1 AND outcome = 'deny' AND decided_at >= $2 AND decided_at < $3
       GROUP BY 1, 2 HAVING count(*) >= $4 ORDER BY count DESC, principal, resource`,
      params,
    ),
    pool.query<RecurrenceRow>(
      `SELECT coalesce(principal_id, '*') AS principal, coalesce(resource_id, '*') AS resource, count(*)::int AS count,
              max(starts_at) AS last_at, array_agg(window_id ORDER BY starts_at DESC) AS ids
       FROM ${s}.exception_windows WHERE tenant_id = $1 AND starts_at >= $2 AND starts_at < $3
       GROUP BY 1, 2 HAVING count(*) >= $4 ORDER BY count DESC, principal, resource`,
      params,
    ),
  ]);
  const view = (r: RecurrenceRow): Recurrence => ({ principal: r.principal, resource: r.resource, count: r.count, lastAt: r.last_at.toISOString(), ids: r.ids });
  return { denials: denials.rows.map(view), exceptions: exceptions.rows.map(view) };
}
