import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import { formatMoney, money, ZERO } from '@estate/pricing';
import { changesBetween, costliest, LeadershipReport, ReportDocument, riskiest, Scorecard, WorkflowFigures } from '@estate/reporting-model';
import type { Pool } from 'pg';
import { activitySummary } from '../queries/activity';
import { assetGaps, budgetsAtRisk, costByDay, exceptionsEndingSoon } from '../queries/estate-state';
import { ungatedReachPaths } from '../queries/reach-paths';
import { scorecard } from '../queries/scorecard';
import { workflowFigures } from '../queries/workflow-figures';
import { ALL_TIME_FROM, daysAfter, previousPeriod } from './report-period';

/** How many workflows the riskiest and costliest lists show. */
export const TOP_WORKFLOWS = 10;
/** Exception windows ending within this many days are listed as ending soon. */
export const ENDING_SOON_DAYS = 7;

export interface ReportRequest {
  tenantId: string;
  from: Date;
  to: Date;
}

/** Assembles the leadership report and the scorecard from the reporting read models. */
@Injectable()
export class ReportService {
  private readonly schema: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) options: ServiceOptions,
  ) {
    this.schema = options.schema;
  }

  async leadership(request: ReportRequest, now = new Date()): Promise<LeadershipReport> {
    const { tenantId, from, to } = request;
    // An all-time period starts at the epoch, so the period before it would be meaningless and every workflow would look new.
    const previous = from.getTime() === ALL_TIME_FROM.getTime() ? null : previousPeriod({ from, to });
    const [current, before, paths, ending, gaps, budgets, days, activity] = await Promise.all([
      workflowFigures(this.pool, this.schema, { tenantId, from, to }),
      previous ? workflowFigures(this.pool, this.schema, { tenantId, ...previous }) : Promise.resolve(null),
      ungatedReachPaths(this.pool, this.schema, tenantId),
      exceptionsEndingSoon(this.pool, this.schema, tenantId, now, daysAfter(now, ENDING_SOON_DAYS)),
      assetGaps(this.pool, this.schema, tenantId),
      budgetsAtRisk(this.pool, this.schema, tenantId),
      costByDay(this.pool, this.schema, tenantId, from, to),
      activitySummary(this.pool, this.schema, { tenantId, from, to }),
    ]);
    const workflows = withReachPaths(current, paths.map((p) => p.workflow));
    return {
      tenantId,
      period: { from: from.toISOString(), to: to.toISOString() },
      previousPeriod: previous && { from: previous.from.toISOString(), to: previous.to.toISOString() },
      generatedAt: now.toISOString(),
      totals: totals(workflows),
      workflows,
      riskiest: riskiest(workflows, TOP_WORKFLOWS),
      costliest: costliest(workflows, TOP_WORKFLOWS),
      changes: before ? changesBetween(before, current) : [],
      exceptionsEndingSoon: ending,
      assetGaps: gaps,
      budgetsAtRisk: budgets,
      ungatedReachPaths: paths,
      costByDay: days,
      decisionsByOutcome: workflows.reduce(
        (sum, f) => ({ allow: sum.allow + f.decisions.allow, deny: sum.deny + f.decisions.deny, requireApproval: sum.requireApproval + f.decisions.requireApproval }),
        { allow: 0, deny: 0, requireApproval: 0 },
      ),
      activity,
    };
  }

  scorecard(request: ReportRequest, now = new Date()): Promise<Scorecard> {
    return scorecard(this.pool, this.schema, request, now);
  }

  async document(request: ReportRequest, now = new Date()): Promise<ReportDocument> {
    const [leadership, card] = await Promise.all([this.leadership(request, now), this.scorecard(request, now)]);
    return { leadership, scorecard: card };
  }
}

/** Adds each workflow's count of ungated paths, including workflows that had no traffic in the period. */
function withReachPaths(figures: WorkflowFigures[], pathWorkflows: string[]): WorkflowFigures[] {
  const counts = new Map<string, number>();
  for (const name of pathWorkflows) counts.set(name, (counts.get(name) ?? 0) + 1);
  const known = new Set(figures.map((f) => f.workflow));
  const idle: WorkflowFigures[] = [...counts.keys()].filter((name) => !known.has(name)).map(idleWorkflow);
  return [...figures, ...idle]
    .map((f) => ({ ...f, ungatedSensitiveReachPaths: counts.get(f.workflow) ?? 0 }))
    .sort((a, b) => a.workflow.localeCompare(b.workflow));
}

function idleWorkflow(workflow: string): WorkflowFigures {
  return {
    workflow, owner: null, calls: 0, errors: 0, errorRate: 0, latencyMs: { p50: null, p95: null, p99: null }, tokens: 0, cost: '0',
    unpricedCalls: 0, decisions: { allow: 0, deny: 0, requireApproval: 0 }, approvals: { waiting: 0, decided: 0 },
    openExceptionWindows: 0, ungatedSensitiveReachPaths: 0, spendSignals: 0,
  };
}

function totals(workflows: WorkflowFigures[]): LeadershipReport['totals'] {
  return {
    calls: workflows.reduce((n, f) => n + f.calls, 0),
    errors: workflows.reduce((n, f) => n + f.errors, 0),
    tokens: workflows.reduce((n, f) => n + f.tokens, 0),
    cost: formatMoney(workflows.reduce((sum, f) => sum.plus(money(f.cost)), ZERO)),
    unpricedCalls: workflows.reduce((n, f) => n + f.unpricedCalls, 0),
  };
}
