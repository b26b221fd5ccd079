import { activityLines } from '../activity';
import { LeadershipReport, ReportDocument, SCORECARD_LABELS, SCORECARD_MEASURES } from '../report';
import { ms, NO_EARLIER_PERIOD, percent, scorecardValue, usd } from './format';

/** Escapes the characters that would break a Markdown table cell. */
export function mdCell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: string[], rows: unknown[][]): string {
  if (rows.length === 0) return '_None._\n';
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)];
  return lines.join('\n') + '\n';
}

function changesSection(r: LeadershipReport): string {
  if (!r.previousPeriod) return `## What changed\n\n${NO_EARLIER_PERIOD}\n`;
  return `## What changed since ${r.previousPeriod.from} – ${r.previousPeriod.to}\n\n${table(
    ['Workflow', 'Change', 'Requests (traces)', 'Error rate', 'Cost', 'Denials'],
    r.changes.map((c) => [
      c.workflow, c.kind, `${c.calls.before} → ${c.calls.after}`, `${percent(c.errorRate.before)} → ${percent(c.errorRate.after)}`,
      `${usd(c.cost.before)} → ${usd(c.cost.after)}`, `${c.denials.before} → ${c.denials.after}`,
    ]),
  )}`;
}

function leadershipSections(r: LeadershipReport): string[] {
  return [
    `## Totals\n\n${r.totals.calls} requests (traces), error rate ${percent(r.totals.calls ? r.totals.errors / r.totals.calls : null)}, ${r.totals.tokens} tokens, ${usd(r.totals.cost)} (${r.totals.unpricedCalls} unpriced calls).\n`,
    `## Activity\n\n${table(['Measure', 'Value'], activityLines(r.activity))}`,
    `## Riskiest workflows\n\n${table(['Workflow', 'Score', 'Because'], r.riskiest.map((x) => [x.workflow, x.score, x.because.join('; ')]))}`,
    `## Costliest workflows\n\n${table(['Workflow', 'Cost', 'Tokens'], r.costliest.map((x) => [x.workflow, usd(x.cost), x.tokens]))}`,
    changesSection(r),
    `## Exception windows ending within 7 days\n\n${table(['Window', 'Owner', 'Ends', 'Policies', 'Scope'], r.exceptionsEndingSoon.map((e) => [e.windowId, e.owner, e.endsAt, e.policyIds.join(', '), [e.principalId, e.resourceId].filter(Boolean).join(' → ')]))}`,
    `## Unowned or unclassified assets\n\n${table(['Asset', 'Kind', 'Name', 'Environment', 'Missing'], r.assetGaps.map((a) => [a.assetId, a.kind, a.name, a.environment, a.missing.join(', ')]))}`,
    `## Budgets at risk\n\n${table(['Budget', 'State', 'Spent', 'Soft limit', 'Hard limit', 'Threshold'], r.budgetsAtRisk.map((b) => [b.name, b.state, b.spent && usd(b.spent), b.softLimit && usd(b.softLimit), b.hardLimit && usd(b.hardLimit), b.thresholdPercent === null ? null : `${b.thresholdPercent}%`]))}`,
    `## Paths to sensitive data without an approval gate\n\n${table(['Workflow', 'Path', 'Classification'], r.ungatedReachPaths.map((p) => [p.workflow, p.path.join(' → '), p.classification]))}`,
    `## Workflows\n\n${table(
      ['Workflow', 'Owner', 'Requests (traces)', 'Error rate', 'p95', 'Tokens', 'Cost', 'Allow/deny/approval', 'Approvals waiting', 'Open exceptions'],
      r.workflows.map((f) => [
        f.workflow, f.owner, f.calls, percent(f.calls ? f.errorRate : null), ms(f.latencyMs.p95), f.tokens, usd(f.cost),
        `${f.decisions.allow}/${f.decisions.deny}/${f.decisions.requireApproval}`, f.approvals.waiting, f.openExceptionWindows,
      ]),
    )}`,
  ];
}

/** Renders the leadership report and the scorecard as one Markdown document. */
export function reportToMarkdown(doc: ReportDocument): string {
  const { leadership: r, scorecard: s } = doc;
  const measures = table(['Measure', 'Value'], SCORECARD_MEASURES.map((m) => [SCORECARD_LABELS[m], scorecardValue(s, m)]));
  const reviews = table(['Area', 'Last review', 'Due', 'On cadence'], s.reviews.map((x) => [x.area, x.lastReviewedAt, x.dueAt, x.onCadence ? 'yes' : 'no']));
  return [
    `# AI estate report: ${r.tenantId}\n\nPeriod ${r.period.from} – ${r.period.to}, generated ${r.generatedAt}.\n`,
    ...leadershipSections(r),
    `## First-90-days scorecard\n\n${measures}\n${reviews}`,
  ].join('\n');
}
