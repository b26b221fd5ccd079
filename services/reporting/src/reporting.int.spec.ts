import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { money, parseLiteLlmCatalog, PriceBook, priceUsage, NO_USAGE, ZERO, formatMoney } from '@estate/pricing';
import { SCORECARD_MEASURES } from '@estate/reporting-model';
import { waitFor } from '@estate/testing';
import { newTraceId, TenantEvents, traceSpans } from '../test/events';
import { ReportingUnderTest, startReporting } from '../test/harness';
import { SHIPPED_CATALOG } from './projections';

jest.setTimeout(120_000);

const MODEL = 'gpt-4o-mini';

/** Linear-interpolation percentile, as Postgres percentile_cont computes it. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** Computes the list price of one call from the shipped catalog the same way any client of the pricing library would. */
function listPrice(input: number, output: number): string {
  const catalog = parseLiteLlmCatalog(readFileSync(SHIPPED_CATALOG, 'utf8'));
  const book = new PriceBook([{ versionId: 'shipped', effectiveFrom: new Date(0), entries: catalog.entries }]);
  const entry = book.priceAt('any', MODEL, 'openai', new Date())!.entry;
  const result = priceUsage(entry, { ...NO_USAGE, input, output });
  if (!result.priced) throw new Error(result.reason);
  return result.cost;
}

const sum = (amounts: string[]) => formatMoney(amounts.reduce((total, a) => total.plus(money(a)), ZERO));

describe('reporting joins every stream per workflow', () => {
  let r: ReportingUnderTest;
  let events: TenantEvents;
  const claimsTraces: string[] = [];
  const refundTraces: string[] = [];
  const durations = [100, 200, 300, 400];
  const ids = { deny: randomUUID(), approval: randomUUID(), granted: randomUUID(), window: randomUUID(), budget: randomUUID() };
  const assets: Record<string, string> = {};

  beforeAll(async () => {
    r = await startReporting();
    events = new TenantEvents(r.tenantId);

    const workflow = events.asset('workflow', 'claims-triage', { ownerTeam: 'claims' });
    const refund = events.asset('workflow', 'refund-flow');
    const agent = events.asset('agent', 'triage-bot', { ownerTeam: 'claims', dataClassification: 'internal' });
    const tool = events.asset('tool', 'policy-lookup');
    const dataset = events.asset('dataset', 'customer-pii', { ownerTeam: 'data', dataClassification: 'restricted' });
    Object.assign(assets, { workflow: workflow.assetId, refund: refund.assetId, agent: agent.assetId, tool: tool.assetId, dataset: dataset.assetId });
    const ref = (assetId: string, kind: any) => ({ assetId, kind });
    await r.publish([
      workflow.event, refund.event, agent.event, tool.event, dataset.event,
      events.relationship('includes', ref(workflow.assetId, 'workflow'), ref(agent.assetId, 'agent')),
      events.relationship('calls', ref(agent.assetId, 'agent'), ref(tool.assetId, 'tool')),
      events.relationship('reads', ref(tool.assetId, 'tool'), ref(dataset.assetId, 'dataset')),
    ]);

    const start = Date.now() - 3600_000;
    const traces: Array<{ traceId: string; spans: object[] }> = [];
    for (const [i, durationMs] of durations.entries()) {
      const traceId = newTraceId();
      claimsTraces.push(traceId);
      const failedTool = i === 3 ? { tool: 'policy-lookup', errorType: 'TimeoutError' } : undefined;
      traces.push({ traceId, spans: traceSpans(traceId, { workflow: 'claims-triage', policyClass: 'standard', durationMs, model: MODEL, usage: { input: 1000, output: 200 }, failedTool }, start + i * 1000) });
    }
    for (let i = 0; i < 2; i++) {
      const traceId = newTraceId();
      refundTraces.push(traceId);
      traces.push({ traceId, spans: traceSpans(traceId, { workflow: 'refund-flow', durationMs: 50 }, start + 10_000 + i * 1000) });
    }
    await r.publishTraces(traces);
    await r.publishTo(r.topics.runtimeObservations, [events.observed('agent', 'triage-bot', claimsTraces[0]), events.observed('tool', 'unregistered-tool', claimsTraces[1])]);

    await r.publish([
      events.usage(`u-${randomUUID()}`, MODEL, 500, 100, 'refund-flow'),
      events.usage(`u-${randomUUID()}`, MODEL, 300, 0),
      events.exceptionWindow(ids.window, 'security', new Date(Date.now() + 3 * 24 * 3600_000)),
      events.decision(randomUUID(), 'allow', { traceId: claimsTraces[0], exceptionWindowIds: [ids.window] }),
      events.decision(ids.deny, 'deny', { traceId: claimsTraces[3] }),
      events.decision(randomUUID(), 'require_approval', { traceId: claimsTraces[1] }),
      events.decision(randomUUID(), 'deny', { workflow: 'refund-flow' }),
      events.approvalRequested(ids.approval, claimsTraces[1], ids.deny),
      events.approvalRequested(ids.granted, claimsTraces[2], randomUUID()),
      events.approvalGranted(ids.granted, claimsTraces[2]),
      ...events.budget(ids.budget, 'soft_limit'),
      events.spendSignal('claims-triage'),
    ]);
  });

  afterAll(async () => {
    await r?.stop();
  });

  const workflowsWhen = (done: (w: Record<string, any>) => boolean) =>
    waitFor(
      'per-workflow figures from every stream',
      async () => Object.fromEntries(((await r.call('/v1/reports/workflows')).body?.workflows ?? []).map((w: any) => [w.workflow, w])),
      done,
      { timeoutMs: 90_000, intervalMs: 250 },
    );

  it('computes per-workflow figures', async () => {
    const byName = await workflowsWhen(
      (w) => w['claims-triage']?.calls === 4 && w['claims-triage']?.approvals.decided === 1 && w['refund-flow']?.decisions.deny === 1 &&
        w['claims-triage']?.openExceptionWindows === 1 && w['claims-triage']?.spendSignals === 1 && w['refund-flow']?.tokens === 600 &&
        w['claims-triage']?.ungatedSensitiveReachPaths === 1 && w['(no workflow)']?.tokens === 300 &&
        w['claims-triage']?.decisions.deny === 1 && w['claims-triage']?.decisions.requireApproval === 1 && w['claims-triage']?.approvals.waiting === 1,
    );
    const claims = byName['claims-triage'];
    expect(claims.owner).toBe('claims');
    expect(claims.errors).toBe(1);
    expect(claims.errorRate).toBeCloseTo(0.25, 10);
    expect(claims.latencyMs.p50).toBeCloseTo(percentile(durations, 0.5), 6);
    expect(claims.latencyMs.p95).toBeCloseTo(percentile(durations, 0.95), 6);
    expect(claims.latencyMs.p99).toBeCloseTo(percentile(durations, 0.99), 6);
    expect(claims.tokens).toBe(4 * 1200);
    expect(claims.cost).toBe(sum(durations.map(() => listPrice(1000, 200))));
    expect(claims.decisions).toEqual({ allow: 1, deny: 1, requireApproval: 1 });
    expect(claims.approvals).toEqual({ waiting: 1, decided: 1 });

    const refund = byName['refund-flow'];
    expect(refund.owner).toBeNull();
    expect(refund.calls).toBe(2);
    expect(refund.errors).toBe(0);
    expect(refund.cost).toBe(listPrice(500, 100));
    expect(refund.decisions).toEqual({ allow: 0, deny: 1, requireApproval: 0 });
    expect(byName['(no workflow)'].cost).toBe(listPrice(300, 0));
  });

  it('builds the leadership report', async () => {
    await workflowsWhen((w) => w['claims-triage']?.ungatedSensitiveReachPaths === 1 && w['claims-triage']?.spendSignals === 1 && w['refund-flow']?.decisions.deny === 1 && w['claims-triage']?.decisions.requireApproval === 1);
    const report = await waitFor('budget and window in the report', () => r.call('/v1/reports/leadership'), (x) => x.body?.budgetsAtRisk?.length === 1 && x.body?.exceptionsEndingSoon?.length === 1);
    const body = report.body;
    expect(body.riskiest[0].workflow).toBe('claims-triage');
    expect(body.costliest.map((c: any) => c.workflow)).toEqual(['claims-triage', 'refund-flow', '(no workflow)']);
    expect(body.changes.filter((c: any) => c.kind === 'new').map((c: any) => c.workflow).sort()).toEqual(['(no workflow)', 'claims-triage', 'refund-flow']);
    expect(body.exceptionsEndingSoon[0]).toMatchObject({ windowId: ids.window, owner: 'security' });
    expect(body.budgetsAtRisk[0]).toMatchObject({ budgetId: ids.budget, state: 'soft_limit', spent: '12.5', softLimit: '10', hardLimit: '20' });
    expect(body.ungatedReachPaths).toEqual([{ workflow: 'claims-triage', path: ['claims-triage', 'triage-bot', 'policy-lookup', 'customer-pii'], dataset: 'customer-pii', classification: 'restricted' }]);
    const gaps = Object.fromEntries(body.assetGaps.map((g: any) => [g.name, g.missing]));
    expect(gaps).toEqual({ 'policy-lookup': ['owner', 'classification'], 'claims-triage': ['classification'], 'refund-flow': ['owner', 'classification'] });
    expect(body.decisionsByOutcome).toEqual({ allow: 1, deny: 2, requireApproval: 1 });
    expect(body.totals.cost).toBe(sum([...durations.map(() => listPrice(1000, 200)), listPrice(500, 100), listPrice(300, 0)]));

    const allTime = (await r.call('/v1/reports/leadership?all=true')).body;
    expect(allTime.period.from).toBe('1970-01-01T00:00:00.000Z');
    expect(allTime.previousPeriod).toBeNull();
    expect(allTime.changes).toEqual([]);
  });

  it('measures the scorecard', async () => {
    const review = await r.call('/v1/reviews', { method: 'POST', body: { title: 'Monthly policy review', area: 'runtime-policy', reviewedAt: new Date().toISOString(), cadenceDays: 30, findings: ['two denials'], decisions: ['keep'] } });
    expect(review.status).toBe(202);
    const card = await waitFor('scorecard with the review', () => r.call('/v1/reports/scorecard'), (x) => x.body?.measures?.reviewsOnCadence?.numerator === 1 && x.body.measures.inventoryCoverage.denominator === 2);
    const m = card.body.measures;
    expect(m.inventoryCoverage).toEqual({ numerator: 1, denominator: 2, share: 0.5 });
    expect(m.ownershipCoverage).toEqual({ numerator: 3, denominator: 5, share: 0.6 });
    expect(m.classificationCoverage).toEqual({ numerator: 2, denominator: 5, share: 0.4 });
    expect(m.policyContextCoverage).toEqual({ numerator: 1, denominator: 2, share: 0.5 });
    const micros = (usd: string) => Number(money(usd).times(1_000_000).toDecimalPlaces(0));
    const attributed = micros(sum([...durations.map(() => listPrice(1000, 200)), listPrice(500, 100)]));
    const total = micros(sum([...durations.map(() => listPrice(1000, 200)), listPrice(500, 100), listPrice(300, 0)]));
    expect(m.attributableSpend.numerator).toBe(attributed);
    expect(m.attributableSpend.denominator).toBe(total);
    expect(m.exceptionsWithOwnerAndEnd).toEqual({ numerator: 1, denominator: 1, share: 1 });
    expect(m.reviewsOnCadence).toEqual({ numerator: 1, denominator: 5, share: 0.2 });
    expect(card.body.reviews.find((x: any) => x.area === 'runtime-policy')).toMatchObject({ lastReviewId: review.body.id, onCadence: true });
  });

  it('rejects bad incident times and links', async () => {
    const base = { title: 'Bad times', severity: 'low', summary: 's', findings: [], decisions: [], links: {} };
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ occurredAt: new Date().toISOString(), detectedAt: hourAgo }, 'is before occurredAt'],
      [{ occurredAt: '2099-01-01T00:00:00Z', detectedAt: '2099-01-02T00:00:00Z' }, 'is in the future'],
      [{ occurredAt: hourAgo, detectedAt: hourAgo, links: { traceIds: ['not-hex'] } }, 'W3C trace id'],
    ];
    for (const [times, message] of cases) {
      const rejected = await r.call('/v1/incidents', { method: 'POST', role: 'security', body: { ...base, ...times } });
      expect(rejected.status).toBe(400);
      expect(rejected.body.message).toContain(message);
    }
  });

  it('reads an incident with its linked story', async () => {
    const failed = claimsTraces[3];
    const posted = await r.call('/v1/incidents', {
      method: 'POST',
      role: 'security',
      body: {
        title: 'Policy lookup timed out', severity: 'high', occurredAt: new Date(Date.now() - 3600_000).toISOString(), detectedAt: new Date().toISOString(),
        summary: 'The tool timed out and the agent was denied.', findings: ['timeout on policy-lookup'], decisions: ['add a gate'], recordedBy: 'Dana',
        links: { traceIds: [failed, 'f'.repeat(32)], assetIds: [assets.tool, assets.dataset], decisionIds: [ids.deny], approvalIds: [ids.approval], workflows: ['claims-triage'] },
      },
    });
    expect(posted.status).toBe(202);
    const story = await waitFor('incident projected with its linked facts', () => r.call(`/v1/incidents/${posted.body.id}`), (x) => x.status === 200 && x.body.linked.decisions.length > 0 && x.body.linked.approvals.length > 0);
    const s = story.body;
    expect(s.recordedBy).toBe(`Dana (api-key:${r.keys.security.keyId})`);
    expect(s.linked.traces.map((t: any) => t.traceId)).toEqual([failed]);
    expect(s.linked.errorSpans).toEqual([expect.objectContaining({ traceId: failed, errorType: 'TimeoutError', tool: 'policy-lookup' })]);
    expect(s.linked.assets.map((a: any) => a.name).sort()).toEqual(['customer-pii', 'policy-lookup']);
    expect(s.linked.decisions.map((d: any) => [d.decisionId, d.outcome])).toEqual([[ids.deny, 'deny']]);
    expect(s.linked.approvals.map((a: any) => [a.approvalId, a.state])).toEqual([[ids.approval, 'pending']]);
    expect(s.linked.costs).toMatchObject({ calls: 1, tokens: 1200, cost: listPrice(1000, 200) });
    expect(s.linked.workflows).toEqual([{ workflow: 'claims-triage', assetId: assets.workflow, ownerTeam: 'claims' }]);
    expect(s.linked.unresolved.traceIds).toEqual(['f'.repeat(32)]);

    const elsewhere = await r.call(`/v1/reviews/${posted.body.id}`);
    expect(elsewhere.status).toBe(404);
  });

  it('exports JSON, CSV, Markdown and HTML', async () => {
    await workflowsWhen((w) => w['claims-triage']?.calls === 4);
    const csv = await r.call('/v1/reports/export?format=csv');
    expect(csv.contentType).toContain('text/csv');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0].split(',')[0]).toBe('workflow');
    expect(lines.find((l) => l.startsWith('claims-triage,'))?.split(',').slice(0, 4)).toEqual(['claims-triage', 'claims', '4', '1']);

    const markdown = await r.call('/v1/reports/export?format=markdown');
    expect(markdown.text).toContain('## Riskiest workflows');
    expect(markdown.text).toContain('| claims-triage |');

    const html = await r.call('/v1/reports/export?format=html');
    expect(html.contentType).toContain('text/html');
    expect(html.text.match(/<svg /g)?.length).toBe(4);
    expect(html.text).toContain('@media print');
    expect(html.text.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/(src|href)=|https?:\/\//);

    const json = await r.call('/v1/reports/export?format=json');
    expect(Object.keys(json.body)).toEqual(['leadership', 'scorecard']);
  });

  it('serves the same figures over gRPC', async () => {
    const rest = await workflowsWhen((w) => w['claims-triage']?.calls === 4 && w['claims-triage']?.spendSignals === 1 && w['claims-triage']?.approvals.waiting === 1 && w['claims-triage']?.decisions.deny === 1);
    const figures = await r.rpc('GetWorkflowFigures', {}, r.keys.finops.key);
    if (!figures.ok) throw new Error(`GetWorkflowFigures failed: ${figures.message}`);
    const claims = figures.value.workflows.find((w: any) => w.workflow === 'claims-triage');
    expect(claims).toMatchObject({ owner: 'claims', calls: '4', errors: '1', cost: rest['claims-triage'].cost, decisions_deny: '1', approvals_waiting: '1' });
    expect(claims.latency.p95_ms).toBeCloseTo(rest['claims-triage'].latencyMs.p95, 6);

    const card = await r.rpc('GetScorecard', {}, r.keys.finops.key);
    expect(card.ok && card.value.measures.map((m: any) => m.name)).toEqual(SCORECARD_MEASURES);

    const csv = await r.rpc('ExportReport', { format: 'csv' }, r.keys.finops.key);
    expect(csv.ok && csv.value.content_type).toContain('text/csv');

    const anonymous = await r.rpc('GetScorecard', {});
    expect(!anonymous.ok && anonymous.code).toBe(status.UNAUTHENTICATED);
    const badFormat = await r.rpc('ExportReport', { format: 'pdf' }, r.keys.finops.key);
    expect(!badFormat.ok && badFormat.code).toBe(status.INVALID_ARGUMENT);
  });

  it('rejects a bad period and a bad record', async () => {
    const period = await r.call('/v1/reports/leadership?from=2026-12-02&to=2026-12-01');
    expect(period.status).toBe(400);
    expect(period.body.field).toBe('from');
    const incident = await r.call('/v1/incidents', { method: 'POST', body: { title: '', severity: 'urgent' } });
    expect(incident.status).toBe(400);
    expect(incident.body.details.map((d: any) => d.field)).toEqual(expect.arrayContaining(['title', 'severity', 'occurredAt']));
  });
});
