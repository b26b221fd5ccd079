import { figures } from '../figures.fixture';
import { coverage } from '../figures';
import { LeadershipReport, ReportDocument, SCORECARD_MEASURES, Scorecard } from '../report';
import { csvField, workflowsToCsv, WORKFLOW_CSV_COLUMNS } from './csv';
import { reportToHtml } from './html';
import { mdCell, reportToMarkdown } from './markdown';
import { barChart, escapeXml, lineChart } from './svg';

function document(over: Partial<LeadershipReport> = {}): ReportDocument {
  const workflows = [figures('claims, "triage"', { owner: 'claims' }), figures('refund|flow')];
  const leadership: LeadershipReport = {
    tenantId: 't1', period: { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
    previousPeriod: { from: '2026-10-02T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' }, generatedAt: '2026-12-01T00:00:00.000Z',
    totals: { calls: 20, errors: 1, tokens: 2000, cost: '3', unpricedCalls: 0 }, workflows, riskiest: [], costliest: [],
    changes: [], exceptionsEndingSoon: [], assetGaps: [], budgetsAtRisk: [], ungatedReachPaths: [],
    costByDay: [{ day: '2026-11-02', cost: '1' }, { day: '2026-11-03', cost: '2' }], decisionsByOutcome: { allow: 3, deny: 1, requireApproval: 0 },
    activity: {
      traces: 20, spans: 64, tokens: { input: 1500, output: 400, cachedInput: 60, cacheCreation: 20, reasoning: 15, audio: 5 }, costMicros: '3000000', cost: '3',
      decisions: { allow: 3, deny: 1, requireApproval: 0 }, approvals: { requested: 2, granted: 1, denied: 1, expired: 0 }, exceptionWindowsOpened: 1,
    },
    ...over,
  };
  const scorecard: Scorecard = {
    tenantId: 't1', period: leadership.period, generatedAt: leadership.generatedAt,
    measures: Object.fromEntries(SCORECARD_MEASURES.map((m) => [m, coverage(1, 4)])) as Scorecard['measures'],
    reviews: [{ area: 'runtime-policy', lastReviewId: null, lastReviewedAt: null, dueAt: null, onCadence: false }],
  };
  return { leadership, scorecard };
}

describe('CSV export', () => {
  it('quotes fields with commas, quotes and line breaks', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(3)).toBe('3');
  });

  it('writes a header and one CRLF row per workflow', () => {
    const csv = workflowsToCsv(document().leadership.workflows);
    const rows = csv.split('\r\n');
    expect(rows[0]).toBe(WORKFLOW_CSV_COLUMNS.join(','));
    expect(rows[1].startsWith('"claims, ""triage""",claims,10,0,')).toBe(true);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toBe('');
  });
});

describe('Markdown export', () => {
  it('escapes table cells', () => {
    expect(mdCell('a|b')).toBe('a\\|b');
    expect(mdCell('one\ntwo')).toBe('one two');
    expect(mdCell(null)).toBe('-');
  });

  it('renders every section and the scorecard', () => {
    const md = reportToMarkdown(document());
    for (const heading of ['## Riskiest workflows', '## Costliest workflows', '## Budgets at risk', '## First-90-days scorecard']) {
      expect(md).toContain(heading);
    }
    expect(md).toContain('| refund\\|flow |');
    expect(md).toContain('25.0% (1 of 4)');
  });

  it('renders the activity figures', () => {
    const md = reportToMarkdown(document());
    expect(md).toContain('## Activity');
    expect(md).toContain('| Tokens by class | input 1500, output 400, cached input 60, cache creation 20, reasoning 15, audio 5 |');
    expect(md).toContain('| Cost | 3 USD (3000000 micro-USD) |');
    expect(md).toContain('| Approvals | 2 requested, 1 granted, 1 denied, 0 expired |');
    expect(md).toContain('| Exception windows opened | 1 |');
  });
});

describe('report labels', () => {
  it('shows attributable spend in USD', () => {
    const doc = document();
    doc.scorecard.measures.attributableSpend = coverage(3649, 8158);
    expect(reportToMarkdown(doc)).toContain('| Spend attributable to a workflow | 44.7% (0.003649 of 0.008158 USD) |');
  });

  it('names the request column for traces', () => {
    const markdown = reportToMarkdown(document());
    expect(markdown).toContain('| Workflow | Owner | Requests (traces) |');
    expect(markdown).toContain('20 requests (traces)');
  });

  it('draws small cost axes with significant digits', () => {
    expect(lineChart('t', [{ label: 'd1', value: 0.003649 }], 'USD')).toContain('0.00365 USD');
    expect(lineChart('t', [{ label: 'd1', value: 12 }], 'USD')).toContain('12.00 USD');
  });
});

describe('all-time report', () => {
  it('states there is no earlier period', () => {
    const doc = document({ previousPeriod: null, period: { from: '1970-01-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' } });
    const markdown = reportToMarkdown(doc);
    expect(markdown).toContain('## What changed\n\nNo comparison: the report covers all time, so there is no earlier period.');
    expect(markdown).not.toContain('What changed since');
    expect(reportToHtml(doc)).toContain('there is no earlier period');
  });
});

describe('SVG charts', () => {
  it('escapes labels', () => {
    expect(escapeXml('<a & "b">')).toBe('&lt;a &amp; &quot;b&quot;&gt;');
    expect(barChart('t', [{ label: '<x>', value: 1 }])).toContain('&lt;x&gt;');
  });

  it('scales bars to the largest value', () => {
    const svg = barChart('t', [{ label: 'a', value: 2 }, { label: 'b', value: 1 }]);
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths[0]).toBeCloseTo(widths[1] * 2, 1);
  });

  it('draws empty charts with a note', () => {
    expect(barChart('t', [])).toContain('No data in this period');
    expect(lineChart('t', [], 'USD')).toContain('No data in this period');
  });

  it('draws a single point', () => {
    expect(lineChart('t', [{ label: 'd1', value: 3 }], 'USD')).toContain('<circle');
  });
});

describe('HTML export', () => {
  it('is self-contained and printable', () => {
    const html = reportToHtml(document());
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|<link|src=/);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\//);
  });

  it('escapes workflow names', () => {
    const html = reportToHtml(document({ workflows: [figures('<img>')] }));
    expect(html).toContain('&lt;img&gt;');
    expect(html).not.toContain('<img>');
  });
});
