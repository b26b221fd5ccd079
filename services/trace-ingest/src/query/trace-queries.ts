import { Inject, Injectable } from '@nestjs/common';
import { ident } from '@estate/projection';
import { AppError, PG_POOL, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import { buildTree, flatten, SpanNode } from './trace-tree';

export interface TraceSummary {
  traceId: string;
  startTime: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNanos: string;
  status: string;
  spanCount: number;
  errorCount: number;
  orphanCount: number;
  rootSpanId: string;
  rootName: string;
  service: string | null;
  environment: string | null;
  workflow: string | null;
  tokens: Record<string, number>;
  models: string[];
  providers: string[];
  tools: string[];
  agents: string[];
  services: string[];
}

export interface TraceSearch {
  from?: string;
  to?: string;
  service?: string;
  environment?: string;
  workflow?: string;
  agent?: string;
  model?: string;
  tool?: string;
  status?: string;
  /** `key=value` pairs a span of the trace must carry. */
  attributes: Array<{ key: string; value: string }>;
  limit: number;
  /** Opaque cursor from the previous page: the last trace's start time and id. */
  cursor?: string;
}

const TOKEN_COLUMNS: Record<string, string> = {
  input: 'input_tokens',
  output: 'output_tokens',
  cachedInput: 'cached_input_tokens',
  cacheCreation: 'cache_creation_tokens',
  reasoning: 'reasoning_tokens',
  audioInput: 'audio_input_tokens',
  audioOutput: 'audio_output_tokens',
  total: 'total_tokens',
};

/** Reads the trace record; every query is scoped to the caller's tenant. */
@Injectable()
export class TraceQueries {
  private readonly s: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) options: ServiceOptions,
  ) {
    this.s = ident(options.schema);
  }

  async summary(tenantId: string, traceId: string): Promise<TraceSummary | undefined> {
    const result = await this.pool.query(`SELECT * FROM ${this.s}.traces WHERE tenant_id = $1 AND trace_id = $2`, [tenantId, traceId]);
    return result.rows[0] ? toSummary(result.rows[0]) : undefined;
  }

  async trace(tenantId: string, traceId: string): Promise<{ trace: TraceSummary; spans: SpanNode[] }> {
    const summary = await this.summary(tenantId, traceId);
    if (!summary) throw new AppError('not_found', `trace ${traceId} is not in the record of this tenant; spans become queryable about a second after they are accepted`, 'traceId');
    const result = await this.pool.query(`SELECT * FROM ${this.s}.spans WHERE tenant_id = $1 AND trace_id = $2`, [tenantId, traceId]);
    return { trace: summary, spans: buildTree(result.rows.map(toSpan)) };
  }

  async search(tenantId: string, search: TraceSearch): Promise<{ traces: TraceSummary[]; nextCursor: string | null }> {
    if (search.from && search.to && Date.parse(search.to) <= Date.parse(search.from)) {
      throw new AppError('invalid_argument', `to (${search.to}) must be after from (${search.from}); the range includes from and excludes to`, 'to');
    }
    const conditions = ['t.tenant_id = $1'];
    const values: unknown[] = [tenantId];
    const add = (sql: (p: string) => string, value: unknown) => {
      values.push(value);
      conditions.push(sql(`$${values.length}`));
    };
    if (search.from) add((p) => `t.start_time >= ${p}`, search.from);
    if (search.to) add((p) => `t.start_time < ${p}`, search.to);
    if (search.service) add((p) => `${p} = ANY (t.services)`, search.service);
    if (search.environment) add((p) => `t.environment = ${p}`, search.environment);
    if (search.workflow) add((p) => `t.workflow = ${p}`, search.workflow);
    if (search.agent) add((p) => `t.agents @> ARRAY[${p}]::text[]`, search.agent);
    if (search.model) add((p) => `t.models @> ARRAY[${p}]::text[]`, search.model);
    if (search.tool) add((p) => `t.tools @> ARRAY[${p}]::text[]`, search.tool);
    if (search.status) add((p) => `t.status = ${p}`, search.status);
    for (const { key, value } of search.attributes) {
      add((p) => `EXISTS (SELECT 1 FROM ${this.s}.spans sp WHERE sp.tenant_id = t.tenant_id AND sp.trace_id = t.trace_id AND sp.attributes @> ${p}::jsonb)`, JSON.stringify({ [key]: value }));
    }
    if (search.cursor) {
      const [startNs, traceId] = decodeCursor(search.cursor);
      values.push(startNs, traceId);
      conditions.push(`(t.start_ns, t.trace_id) < ($${values.length - 1}::bigint, $${values.length})`);
    }
    values.push(search.limit + 1);
    const result = await this.pool.query(
      `SELECT * FROM ${this.s}.traces t WHERE ${conditions.join(' AND ')} ORDER BY t.start_ns DESC, t.trace_id DESC LIMIT $${values.length}`,
      values,
    );
    const rows = result.rows.slice(0, search.limit).map(toSummary);
    const last = rows[rows.length - 1];
    const nextCursor = result.rows.length > search.limit && last ? Buffer.from(`${last.startTimeUnixNano}:${last.traceId}`).toString('base64url') : null;
    return { traces: rows, nextCursor };
  }

  /** Returns the spans in execution order with the policy decisions and approvals placed on each, and those whose span is not in the trace. */
  async controlStory(tenantId: string, traceId: string) {
    const { trace, spans } = await this.trace(tenantId, traceId);
    const [decisions, approvals] = await Promise.all([
      this.pool.query(`SELECT * FROM ${this.s}.policy_decisions WHERE tenant_id = $1 AND trace_id = $2 ORDER BY decided_at, decision_id`, [tenantId, traceId]),
      this.pool.query(`SELECT * FROM ${this.s}.approvals WHERE tenant_id = $1 AND trace_id = $2 ORDER BY occurred_at, approval_id`, [tenantId, traceId]),
    ]);
    const decisionRows = decisions.rows.map(toDecision);
    const approvalRows = approvals.rows.map(toApproval);
    const ordered = flatten(spans);
    const spanIds = new Set(ordered.map((s) => s.spanId));
    const decisionSpan = new Map(decisionRows.map((d) => [d.decisionId, d.spanId]));
    const approvalSpan = (a: ReturnType<typeof toApproval>) => a.spanId ?? (a.decisionId ? decisionSpan.get(a.decisionId) : null) ?? null;

    const steps = ordered.map((span) => ({
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      step: span.step,
      name: span.name,
      startTimeUnixNano: span.startTimeUnixNano,
      status: span.status,
      context: span.context,
      policyDecisions: decisionRows.filter((d) => d.spanId === span.spanId),
      approvals: approvalRows.filter((a) => approvalSpan(a) === span.spanId),
    }));
    return {
      trace,
      steps,
      unplacedPolicyDecisions: decisionRows.filter((d) => !d.spanId || !spanIds.has(d.spanId)),
      unplacedApprovals: approvalRows.filter((a) => {
        const spanId = approvalSpan(a);
        return !spanId || !spanIds.has(spanId);
      }),
    };
  }
}

function decodeCursor(cursor: string): [string, string] {
  const [startNs, traceId] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (!/^\d+$/.test(startNs ?? '') || !/^[0-9a-f]{32}$/.test(traceId ?? '')) {
    throw new AppError('invalid_argument', 'cursor is invalid; pass the nextCursor value of the previous page unchanged', 'cursor');
  }
  return [startNs, traceId];
}

type Row = Record<string, unknown>;

function toSummary(row: Row): TraceSummary {
  return {
    traceId: row.trace_id as string,
    startTime: (row.start_time as Date).toISOString(),
    startTimeUnixNano: String(row.start_ns),
    endTimeUnixNano: String(row.end_ns),
    durationNanos: String(row.duration_ns),
    status: row.status as string,
    spanCount: row.span_count as number,
    errorCount: row.error_count as number,
    orphanCount: row.orphan_count as number,
    rootSpanId: row.root_span_id as string,
    rootName: row.root_name as string,
    service: row.service as string | null,
    environment: row.environment as string | null,
    workflow: row.workflow as string | null,
    tokens: Object.fromEntries(Object.entries(TOKEN_COLUMNS).map(([key, column]) => [key, Number(row[column])])),
    models: row.models as string[],
    providers: row.providers as string[],
    tools: row.tools as string[],
    agents: row.agents as string[],
    services: row.services as string[],
  };
}

function toSpan(row: Row): Omit<SpanNode, 'children' | 'orphan'> {
  return {
    spanId: row.span_id as string,
    parentSpanId: row.parent_span_id as string | null,
    name: row.name as string,
    step: row.step as string,
    startTimeUnixNano: String(row.start_ns),
    endTimeUnixNano: String(row.end_ns),
    durationNanos: String(BigInt(row.end_ns as string) - BigInt(row.start_ns as string)),
    status: row.status as string,
    statusMessage: row.status_message as string | null,
    context: row.context as Record<string, unknown>,
    usage: row.usage as Record<string, number> | null,
    reportedCost: row.reported_cost as Record<string, string> | null,
    attributes: row.attributes as Record<string, unknown>,
    resource: row.resource as Record<string, unknown>,
    events: row.events as unknown[] | null,
    scope: row.scope as string | null,
  };
}

function toDecision(row: Row) {
  return {
    decisionId: row.decision_id as string,
    spanId: row.span_id as string | null,
    outcome: row.outcome as string,
    action: row.action as string,
    principal: row.principal as string,
    resource: row.resource as string,
    bundleVersion: row.bundle_version as string,
    reasons: row.reasons as string[],
    decidedAt: (row.decided_at as Date).toISOString(),
  };
}

function toApproval(row: Row) {
  return {
    approvalId: row.approval_id as string,
    spanId: row.span_id as string | null,
    decisionId: row.decision_id as string | null,
    state: row.state as string,
    version: row.version as number,
    occurredAt: (row.occurred_at as Date).toISOString(),
  };
}
