import { randomUUID } from 'node:crypto';
import { waitFor } from '@estate/testing';
import { newTraceId, TenantEvents, traceSpans } from '../test/events';
import { ReportingUnderTest, startReporting } from '../test/harness';

jest.setTimeout(120_000);

const DAY = 24 * 3600_000;

describe('management surface and ownership view', () => {
  let r: ReportingUnderTest;
  let events: TenantEvents;
  const now = Date.now();
  const from = new Date(now - 2 * DAY).toISOString();
  const ids = { pendingApproval: randomUUID(), windows: [randomUUID(), randomUUID()], budget: randomUUID() };

  beforeAll(async () => {
    r = await startReporting();
    events = new TenantEvents(r.tenantId);

    const traces: Array<{ traceId: string; spans: object[] }> = [];
    // Five calls per window for each prompt version: triage-v2 uses ten times the tokens it used in its baseline, stable-v1 the same.
    for (const [startMs, tokens] of [[now - 10 * DAY, 100], [now - 3600_000, 1000]] as const) {
      for (let i = 0; i < 5; i++) {
        for (const [promptVersion, input] of [['triage-v2', tokens], ['stable-v1', 100]] as const) {
          const traceId = newTraceId();
          const spec = { workflow: 'summarise', durationMs: 10, model: 'gpt-4o-mini', usage: { input, output: 0 }, promptVersion, modelRoute: `route-${promptVersion}` };
          traces.push({ traceId, spans: traceSpans(traceId, spec, startMs + i * 1000) });
        }
      }
    }
    const failures = ['RateLimit', 'RateLimit', 'RateLimit', 'Timeout'];
    const failedTraces: string[] = [];
    for (const [i, errorType] of failures.entries()) {
      const traceId = newTraceId();
      failedTraces.push(traceId);
      traces.push({ traceId, spans: traceSpans(traceId, { workflow: 'summarise', durationMs: 10, failedTool: { tool: 'search', errorType } }, now - 3600_000 + i * 1000) });
    }
    await r.publishTraces(traces);

    const workflow = events.asset('workflow', 'summarise', { ownerTeam: 'claims' });
    const pendingDecision = randomUUID();
    await r.publish([
      workflow.event,
      ...[1, 2, 3].map(() => events.decision(randomUUID(), 'deny', { agent: 'bot-a', tool: 'search' })),
      events.decision(randomUUID(), 'deny', { agent: 'bot-b', tool: 'search' }),
      events.decision(pendingDecision, 'require_approval', { traceId: failedTraces[0] }),
      events.approvalRequested(ids.pendingApproval, failedTraces[0], pendingDecision),
      ...ids.windows.map((id) => events.exceptionWindow(id, 'security', new Date(now + 20 * DAY), 'bot-a')),
      ...events.budget(ids.budget, 'soft_limit', { team: 'claims' }),
    ]);
  });

  afterAll(async () => {
    await r?.stop();
  });

  it('clusters failures by workflow, model, tool and error type', async () => {
    const overview = await waitFor('failure clusters', () => r.call(`/v1/management?from=${from}&minCount=2`), (x) => x.body?.failureClusters?.length === 2 && x.body.failureClusters[0].failures === 3);
    const clusters = overview.body.failureClusters.map((c: any) => [c.workflow, c.model, c.tool, c.errorType, c.failures, c.traces, c.exampleTraceIds.length]);
    expect(clusters).toEqual([
      ['summarise', null, 'search', 'RateLimit', 3, 3, 3],
      ['summarise', null, 'search', 'Timeout', 1, 1, 1],
    ]);
  });

  it('finds prompt versions and routes that moved against their baseline', async () => {
    const overview = await waitFor('baseline movers', () => r.call(`/v1/management?from=${from}`), (x) => x.body?.baselineMovers?.length === 2);
    const movers = overview.body.baselineMovers.map((m: any) => [m.subject, m.name, m.moves.map((v: any) => v.metric)]);
    expect(movers).toEqual([
      ['promptVersion', 'triage-v2', ['meanTokens']],
      ['modelRoute', 'route-triage-v2', ['meanTokens']],
    ]);
    expect(overview.body.baselineMovers[0].baseline).toMatchObject({ calls: 5, meanTokens: 100 });
    expect(overview.body.baselineMovers[0].current).toMatchObject({ calls: 5, meanTokens: 1000 });
  });

  it('lists recurring denials and exceptions', async () => {
    const overview = await waitFor('recurrences', () => r.call(`/v1/management?from=${from}&minCount=2`), (x) => x.body?.recurringExceptions?.[0]?.count === 2 && x.body?.recurringDenials?.[0]?.count === 3);
    expect(overview.body.recurringDenials.map((d: any) => [d.principal, d.resource, d.count])).toEqual([['Agent::bot-a', 'Tool::search', 3]]);
    expect(overview.body.recurringExceptions.map((d: any) => [d.principal, d.resource, d.count, [...d.ids].sort()])).toEqual([['bot-a', '*', 2, [...ids.windows].sort()]]);
    const stricter = await r.call(`/v1/management?from=${from}&minCount=4`);
    expect(stricter.body.recurringDenials).toEqual([]);
  });

  it('shows RACI rows and team work', async () => {
    const assigned = await r.call('/v1/ownership/raci/token-governance', { method: 'PUT', body: { assignments: [{ team: 'finops-team', part: 'leads' }, { team: 'claims', part: 'shares' }] } });
    expect(assigned.status).toBe(202);
    const forbidden = await r.call('/v1/ownership/raci/token-governance', { method: 'PUT', role: 'finops', body: { assignments: [{ team: 'x', part: 'leads' }] } });
    expect(forbidden.status).toBe(403);
    const noLead = await r.call('/v1/ownership/raci/token-governance', { method: 'PUT', body: { assignments: [{ team: 'x', part: 'reviews' }] } });
    expect(noLead.status).toBe(400);
    const twoLeads = await r.call('/v1/ownership/raci/token-governance', { method: 'PUT', body: { assignments: [{ team: 'a', part: 'leads' }, { team: 'b', part: 'leads' }] } });
    expect(twoLeads.status).toBe(400);
    expect(twoLeads.body.message).toContain('exactly one team that leads it');

    const view = await waitFor(
      'ownership view',
      () => r.call('/v1/ownership'),
      (x) => {
        const claims = x.body?.teams?.find((t: any) => t.team === 'claims');
        const security = x.body?.teams?.find((t: any) => t.team === 'security');
        const configured = x.body?.raci?.find((row: any) => row.area === 'token-governance')?.configured === true;
        return configured && claims?.pendingApprovals === 1 && claims?.budgetsAtRisk === 1 && claims?.ownedWorkflows === 1 && security?.openExceptionWindows === 2;
      },
    );
    const tokenRow = view.body.raci.find((row: any) => row.area === 'token-governance');
    expect(tokenRow.assignments).toEqual([{ team: 'finops-team', part: 'leads' }, { team: 'claims', part: 'shares' }]);
    expect(view.body.raci.find((row: any) => row.area === 'runtime-policy').configured).toBe(false);
    const teams = Object.fromEntries(view.body.teams.map((t: any) => [t.team, t]));
    expect(teams.claims).toMatchObject({ ownedWorkflows: 1, unclassifiedAssets: 1, pendingApprovals: 1, budgetsAtRisk: 1, areas: [{ area: 'token-governance', part: 'shares' }] });
    expect(teams.security.openExceptionWindows).toBe(2);
    expect(teams['finops-team'].areas).toEqual([{ area: 'token-governance', part: 'leads' }]);
  });
});
