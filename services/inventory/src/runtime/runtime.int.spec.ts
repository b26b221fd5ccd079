import { AssetObservedV1, createEnvelope, EventEnvelope } from '@estate/contracts';
import { ident } from '@estate/projection';
import { testInfrastructure, waitFor } from '@estate/testing';
import { Pool } from 'pg';
import { collectInventoryEvents, InventoryTestContext, startInventory } from '../../test/inventory-test-client';

jest.setTimeout(90_000);

describe('runtime observations', () => {
  let ctx: InventoryTestContext;
  const received: EventEnvelope[] = [];

  beforeAll(async () => {
    ctx = await startInventory();
    await collectInventoryEvents(ctx, received);
  });

  afterAll(() => ctx.stop());

  const observe = (payload: Record<string, unknown>) =>
    createEnvelope({
      type: AssetObservedV1.type, schemaVersion: 1, tenantId: ctx.tenantId, producer: 'trace-ingest', key: `${payload.kind}:${payload.name}`,
      payload: { environment: 'prod', firstSeenAt: new Date().toISOString(), lastSeenAt: new Date(Date.now() + 1000).toISOString(), exampleTraceId: `trace-${payload.name}`, ...payload },
    });

  it('raises unregistered, scope-drift and unseen findings as events', async () => {
    const register = async (body: object) => (await ctx.call('/v1/assets', { method: 'POST', body })).body.assetId as string;
    const agent = await register({ kind: 'agent', name: 'support-agent', environment: 'prod' });
    const search = await register({ kind: 'tool', name: 'search_tickets' });
    const refund = await register({ kind: 'tool', name: 'refund_order' });
    const idle = await register({ kind: 'model', name: 'legacy-model', externalRefs: { 'openai.model': 'gpt-3.5-turbo' } });
    await register({ kind: 'model', name: 'main-model', externalRefs: { 'openai.model': 'gpt-4o-mini' } });
    expect((await ctx.call('/v1/relationships', { method: 'POST', body: { type: 'calls', fromId: agent, toId: search } })).status).toBe(201);
    const windowStart = new Date().toISOString();

    await ctx.publishObservations([
      observe({ kind: 'model', name: 'gpt-4o-mini', provider: 'openai' }),
      observe({ kind: 'model', name: 'shadow-model', provider: 'openai' }),
      observe({ kind: 'agent', name: 'support-agent' }),
      observe({ kind: 'tool', name: 'search_tickets', viaAgent: 'support-agent' }),
      observe({ kind: 'tool', name: 'refund_order', viaAgent: 'support-agent' }),
      observe({ kind: 'tool', name: 'refund_order', viaAgent: 'support-agent', lastSeenAt: new Date(Date.now() + 60_000).toISOString() }),
    ]);

    const findings = await waitFor('findings recorded', () => ctx.call('/v1/runtime/findings'), (r) => r.body.findings.length >= 2);
    expect(findings.body.findings.map((f: { finding: string; subject: string }) => `${f.finding} ${f.subject}`).sort()).toEqual([
      `scope-drift-detected ${agent}:refund_order`,
      'unregistered-asset-seen model:shadow-model:prod',
    ]);

    const events = await waitFor('finding events on the inventory topic', async () => received.filter((e) => e.type.startsWith('inventory.runtime.')), (list) => list.length >= 2);
    const drift = events.find((e) => e.type === 'inventory.runtime.scope-drift-detected')!;
    expect(drift.payload).toMatchObject({ agentId: agent, toolId: refund, toolName: 'refund_order' });
    expect(drift.key).toBe(agent);
    expect(drift.correlationId).toBe('trace-refund_order');
    const unregistered = events.find((e) => e.type === 'inventory.runtime.unregistered-asset-seen')!;
    expect(unregistered.payload).toMatchObject({ observed: { observedKind: 'model', name: 'shadow-model', provider: 'openai' } });

    const unseen = await ctx.call('/v1/runtime/unseen/report', { method: 'POST', body: { since: windowStart } });
    expect(unseen.status).toBe(200);
    expect(unseen.body.reported).toContain(idle);
    expect(unseen.body.reported).not.toContain(agent);
    const again = await ctx.call('/v1/runtime/unseen/report', { method: 'POST', body: { since: windowStart } });
    expect(again.body.reported).toEqual([]);
    await waitFor('unseen event on the topic', async () => received.filter((e) => e.type === 'inventory.runtime.registered-asset-unseen' && e.key === idle), (l) => l.length === 1);
  });

  it('records tool use as observed relationships', async () => {
    const register = async (body: object) => (await ctx.call('/v1/assets', { method: 'POST', body })).body.assetId as string;
    const agent = await register({ kind: 'agent', name: 'triage-agent', environment: 'prod' });
    const declaredTool = await register({ kind: 'tool', name: 'read_ticket' });
    const undeclaredTool = await register({ kind: 'tool', name: 'export_rows' });
    const declared = await ctx.call('/v1/relationships', { method: 'POST', body: { type: 'calls', fromId: agent, toId: declaredTool } });
    expect(declared.status).toBe(201);
    const firstSeenAt = new Date(Date.now() + 5_000).toISOString();
    const lastSeenAt = new Date(Date.now() + 9_000).toISOString();

    await ctx.publishObservations([
      observe({ kind: 'tool', name: 'export_rows', viaAgent: 'triage-agent', firstSeenAt, lastSeenAt: firstSeenAt }),
      observe({ kind: 'tool', name: 'export_rows', viaAgent: 'triage-agent', firstSeenAt: lastSeenAt, lastSeenAt, exampleTraceId: 'trace-export-latest' }),
      observe({ kind: 'tool', name: 'read_ticket', viaAgent: 'triage-agent', firstSeenAt, lastSeenAt }),
    ]);

    const relationships = await waitFor(
      'observed relationships projected',
      () => ctx.call(`/v1/relationships?assetId=${agent}`),
      (r) => r.body.relationships.some((x: { toId: string; lastSeenAt: string }) => x.toId === undeclaredTool && x.lastSeenAt === lastSeenAt)
        && r.body.relationships.some((x: { toId: string; lastSeenAt: string }) => x.toId === declaredTool && x.lastSeenAt === lastSeenAt),
    );
    const byTool = new Map(relationships.body.relationships.map((x: { toId: string }) => [x.toId, x]));
    expect(byTool.get(undeclaredTool)).toMatchObject({ type: 'calls', fromId: agent, source: 'observed', firstSeenAt, lastSeenAt });
    expect(byTool.get(declaredTool)).toMatchObject({ type: 'calls', source: 'declared', lastSeenAt });

    const observedEvents = await waitFor(
      'relationship.observed events on the topic',
      async () => received.filter((e) => e.type === 'inventory.relationship.observed' && e.key === agent),
      (list) => list.some((e) => (e.payload as any).relationship.toId === undeclaredTool && (e.payload as any).relationship.lastSeenAt === lastSeenAt),
    );
    const latest = observedEvents.filter((e) => (e.payload as any).relationship.toId === undeclaredTool).pop()!;
    expect(latest.payload).toMatchObject({ changedBy: 'runtime', exampleTraceId: 'trace-export-latest', relationship: { source: 'observed', firstSeenAt } });
    expect(latest.correlationId).toBe('trace-export-latest');

    // The observed relationship must not put the tool in scope: with the first finding removed, the next call is drift again.
    await waitFor('first scope drift finding', () => ctx.call('/v1/runtime/findings?finding=scope-drift-detected'),
      (r) => r.body.findings.some((f: { subject: string }) => f.subject === `${agent}:export_rows`));
    const pool = new Pool({ connectionString: testInfrastructure().databaseUrl, max: 1 });
    try {
      await pool.query(`DELETE FROM ${ident(ctx.service.options.schema)}.runtime_findings WHERE tenant_id = $1 AND subject = $2`, [ctx.tenantId, `${agent}:export_rows`]);
    } finally {
      await pool.end();
    }
    await ctx.publishObservations([observe({ kind: 'tool', name: 'export_rows', viaAgent: 'triage-agent' })]);
    const again = await waitFor('scope drift raised again', () => ctx.call('/v1/runtime/findings?finding=scope-drift-detected'),
      (r) => r.body.findings.some((f: { subject: string }) => f.subject === `${agent}:export_rows`));
    expect(again.body.findings.map((f: { subject: string }) => f.subject)).not.toContain(`${agent}:read_ticket`);
  });
});
