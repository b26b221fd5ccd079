import { activityLines } from '../activity';
import { LeadershipReport, ReportDocument, SCORECARD_LABELS, SCORECARD_MEASURES, Scorecard } from '../report';
import { ms, NO_EARLIER_PERIOD, percent, scorecardValue, usd } from './format';
import { barChart, escapeXml, lineChart } from './svg';

// Print rules keep tables and charts whole on a page and drop screen-only colour fills.
const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; max-width: 980px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: 1fr; gap: 1rem; }
svg { max-width: 100%; height: auto; font-size: 12px; } svg .bar { fill: #2f6fbf; } svg .line { fill: none; stroke: #2f6fbf; stroke-width: 2; }
svg .dot { fill: #2f6fbf; } svg .axis { stroke: #8c959f; } svg .chart-title { font-weight: 600; font-size: 13px; }
.muted { color: #57606a; }
@page { margin: 15mm; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } table, svg, tr { break-inside: avoid; } th { background: none; } a { color: inherit; text-decoration: none; } }
`;

const cell = (value: unknown, numeric = false) => `<td${numeric ? ' class="num"' : ''}>${escapeXml(value === null || value === undefined || value === '' ? '-' : String(value))}</td>`;

function table(header: string[], rows: unknown[][], numericColumns: number[] = []): string {
  if (rows.length === 0) return '<p class="muted">None.</p>';
  const head = `<tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((v, i) => cell(v, numericColumns.includes(i))).join('')}</tr>`).join('');
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function charts(r: LeadershipReport, s: Scorecard): string {
  const costOverTime = lineChart('Cost over time (USD per day)', r.costByDay.map((d) => ({ label: d.day, value: Number(d.cost) })), 'USD');
  const costByWorkflow = barChart('Cost by workflow (USD)', r.costliest.map((c) => ({ label: c.workflow, value: Number(c.cost), display: usd(c.cost) })));
  const outcomes = barChart('Policy decisions by outcome', [
    { label: 'allow', value: r.decisionsByOutcome.allow },
    { label: 'deny', value: r.decisionsByOutcome.deny },
    { label: 'require approval', value: r.decisionsByOutcome.requireApproval },
  ]);
  const coverageBars = barChart(
    'Coverage (percent)',
    SCORECARD_MEASURES.map((m) => ({ label: SCORECARD_LABELS[m], value: (s.measures[m].share ?? 0) * 100, display: percent(s.measures[m].share) })),
    100,
  );
  // Chart values are for drawing only; every exact figure is in the tables.
  return `<div class="charts">${costOverTime}${costByWorkflow}${outcomes}${coverageBars}</div>`;
}

function changesSection(r: LeadershipReport): string {
  if (!r.previousPeriod) return `<h2>What changed</h2><p class="muted">${escapeXml(NO_EARLIER_PERIOD)}</p>`;
  return `<h2>What changed since the previous period</h2><p class="muted">${escapeXml(`${r.previousPeriod.from} – ${r.previousPeriod.to}`)}</p>${table(
    ['Workflow', 'Change', 'Requests (traces)', 'Error rate', 'Cost', 'Denials'],
    r.changes.map((c) => [c.workflow, c.kind, `${c.calls.before} → ${c.calls.after}`, `${percent(c.errorRate.before)} → ${percent(c.errorRate.after)}`, `${usd(c.cost.before)} → ${usd(c.cost.after)}`, `${c.denials.before} → ${c.denials.after}`]),
  )}`;
}

function sections(r: LeadershipReport): string {
  return [
    `<h2>Riskiest workflows</h2>${table(['Workflow', 'Score', 'Because'], r.riskiest.map((x) => [x.workflow, x.score, x.because.join('; ')]), [1])}`,
    `<h2>Costliest workflows</h2>${table(['Workflow', 'Cost', 'Tokens'], r.costliest.map((x) => [x.workflow, usd(x.cost), x.tokens]), [1, 2])}`,
    changesSection(r),
    `<h2>Exception windows ending within 7 days</h2>${table(['Window', 'Owner', 'Ends', 'Policies'], r.exceptionsEndingSoon.map((e) => [e.windowId, e.owner, e.endsAt, e.policyIds.join(', ')]))}`,
    `<h2>Unowned or unclassified assets</h2>${table(['Asset', 'Kind', 'Name', 'Missing'], r.assetGaps.map((a) => [a.assetId, a.kind, a.name, a.missing.join(', ')]))}`,
    `<h2>Budgets at risk</h2>${table(['Budget', 'State', 'Spent', 'Hard limit', 'Threshold'], r.budgetsAtRisk.map((b) => [b.name, b.state, b.spent && usd(b.spent), b.hardLimit && usd(b.hardLimit), b.thresholdPercent === null ? null : `${b.thresholdPercent}%`]))}`,
    `<h2>Paths to sensitive data without an approval gate</h2>${table(['Workflow', 'Path', 'Classification'], r.ungatedReachPaths.map((p) => [p.workflow, p.path.join(' → '), p.classification]))}`,
    `<h2>Workflows</h2>${table(
      ['Workflow', 'Owner', 'Requests (traces)', 'Error rate', 'p95', 'Tokens', 'Cost', 'Allow', 'Deny', 'Approval', 'Waiting'],
      r.workflows.map((f) => [f.workflow, f.owner, f.calls, percent(f.calls ? f.errorRate : null), ms(f.latencyMs.p95), f.tokens, usd(f.cost), f.decisions.allow, f.decisions.deny, f.decisions.requireApproval, f.approvals.waiting]),
      [2, 3, 4, 5, 6, 7, 8, 9, 10],
    )}`,
  ].join('\n');
}

/** Renders a self-contained, printable HTML report: inline CSS and server-drawn SVG, no scripts and no external assets. */
export function reportToHtml(doc: ReportDocument): string {
  const { leadership: r, scorecard: s } = doc;
  const title = `AI estate report: ${r.tenantId}`;
  const scorecard = table(['Measure', 'Value'], SCORECARD_MEASURES.map((m) => [SCORECARD_LABELS[m], scorecardValue(s, m)]));
  const reviews = table(['Area', 'Last review', 'Due', 'On cadence'], s.reviews.map((x) => [x.area, x.lastReviewedAt, x.dueAt, x.onCadence ? 'yes' : 'no']));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="muted">Period ${escapeXml(r.period.from)} – ${escapeXml(r.period.to)}; generated ${escapeXml(r.generatedAt)}.</p>
<p>${r.totals.calls} requests (traces), error rate ${escapeXml(percent(r.totals.calls ? r.totals.errors / r.totals.calls : null))}, ${r.totals.tokens} tokens, ${escapeXml(usd(r.totals.cost))} (${r.totals.unpricedCalls} unpriced calls).</p>
<h2>Activity</h2>${table(['Measure', 'Value'], activityLines(r.activity))}
${charts(r, s)}
${sections(r)}
<h2>First-90-days scorecard</h2>${scorecard}${reviews}
</body></html>
`;
}
