import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BudgetRemovedV1,
  BudgetStateChangedV1,
  BudgetThresholdCrossedV1,
  CanonicalSpan,
  createEnvelope,
  decodeEvent,
  EventEnvelope,
  SpansRecordedV1,
  SpendSignalRaisedV1,
  Topics,
  UsageRecorded,
  UsageRecordedV1,
} from '@estate/contracts';
import { EventPublisher, KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { issueTestKeys, RunningService, startServiceForTest, testInfrastructure, TestKey, uniqueSuffix, waitFor } from '@estate/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { appModule, migrations } from './app.module';

jest.setTimeout(120_000);

// Langfuse trace exports; data/sample/SOURCE.md names their origin and licence.
const SAMPLES = path.join(__dirname, '../../../data/sample/otlp');
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const NOW_NANOS = () => (BigInt(Date.now()) * 1_000_000n).toString();

function llmSpan(traceId: string, model: string, usage: CanonicalSpan['usage'], context: CanonicalSpan['context'] = {}, status: CanonicalSpan['status'] = 'ok'): CanonicalSpan {
  return {
    traceId,
    spanId: hex(8),
    name: `chat ${model}`,
    step: 'llm_call',
    startTimeUnixNano: NOW_NANOS(),
    endTimeUnixNano: NOW_NANOS(),
    status,
    context: { modelRequested: model, modelServed: model, ...context },
    usage,
    attributes: {},
    resource: {},
  };
}

function spansEvent(tenantId: string, traceId: string, spans: CanonicalSpan[]): EventEnvelope {
  return createEnvelope({ type: SpansRecordedV1.type, schemaVersion: 1, tenantId, producer: 'test', key: traceId, payload: { traceId, source: 'file-import', spans } });
}

function usageEvent(tenantId: string, payload: UsageRecorded): EventEnvelope {
  return createEnvelope({ type: UsageRecordedV1.type, schemaVersion: 1, tenantId, producer: 'test', key: payload.usageId, payload });
}

/**
 * Token counts of the model calls in a Langfuse trace export, read from the
 * `usageDetails` Langfuse stored for each generation.
 */
function sampleGenerations(file: string): { traceId: string; calls: Array<{ spanId: string; model: string; input: number; output: number; cachedInput: number }> } {
  const trace = JSON.parse(readFileSync(path.join(SAMPLES, file), 'utf8')) as {
    trace: { id: string };
    observations: Array<{ id: string; type: string; model?: string; usageDetails?: Record<string, number> }>;
  };
  const calls = trace.observations
    .filter((o) => o.type === 'GENERATION')
    .map((o) => {
      const u = o.usageDetails ?? {};
      const cached = u['prompt_details.cache_read'] ?? 0;
      // Langfuse's OpenInference input count includes cache reads; the canonical input excludes them.
      return { spanId: o.id, model: o.model as string, input: (u.input ?? 0) - cached, output: u.output ?? 0, cachedInput: cached };
    });
  return { traceId: trace.trace.id, calls };
}

describe('cost ledger against Kafka and Postgres', () => {
  const infra = testInfrastructure();
  const bus = new KafkaBus({ clientId: 'cost-ledger-test', brokers: infra.kafkaBrokers }, createLogger('cost-ledger-test', 'warn'));
  const publisher = new EventPublisher(bus);
  let service: RunningService;
  let tenantId: string;
  let keys: Record<string, TestKey>;

  beforeAll(async () => {
    service = await startServiceForTest('cost-ledger', { migrations }, (options) =>
      appModule(options, { loopCalls: 3, retryCalls: 2, oversizedFactor: 4, oversizedMinSamples: 20, spikeFactor: 3, spikeMinAmount: '1' }),
    );
    tenantId = `t-${uniqueSuffix()}`;
    keys = await issueTestKeys(bus, tenantId, ['finops', 'platform']);
    await waitFor('finops key accepted', () => call('GET', '/v1/budgets', keys.finops), (r) => r.status === 200);
  });

  afterAll(async () => {
    await service.stop();
    await bus.close();
  });

  async function call(method: string, route: string, key: TestKey, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${service.baseUrl}${route}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  const traceCost = (traceId: string) => call('GET', `/v1/traces/${traceId}/cost`, keys.finops);

  it('prices spans once, keeps unknown models unpriced and rolls up', async () => {
    const traceId = hex(16);
    const workflow = `wf-${uniqueSuffix()}`;
    // gpt-4o: 1000 × 0.0000025 + 500 × 0.00000125 + 200 × 0.00001 = 0.005125
    const priced = llmSpan(traceId, 'gpt-4o', { input: 1000, cachedInput: 500, output: 200 }, { workflow, provider: 'openai', team: 'search' });
    const unknown = llmSpan(traceId, 'house-model-7b', { input: 50, output: 5 }, { workflow, provider: 'self-hosted' });
    const first = spansEvent(tenantId, traceId, [priced, unknown]);
    // The same event twice and the same spans in a second event, as a producer retry and a re-export would deliver them.
    await publisher.publish([first, first, spansEvent(tenantId, traceId, [priced])]);
    // claude-sonnet-4-5 above 200k: 150,000 × 0.000006 + 60,000 × 0.0000006 + 1000 × 0.0000225 = 0.9585
    const usage: UsageRecorded = {
      usageId: `u-${uniqueSuffix()}`,
      traceId,
      occurredAt: new Date().toISOString(),
      model: 'anthropic/claude-sonnet-4-5',
      provider: 'anthropic',
      workflow,
      usage: { input: 150_000, cachedInput: 60_000, output: 1000 },
    };
    await publisher.publish([usageEvent(tenantId, usage), usageEvent(tenantId, usage)]);

    const cost = await waitFor('trace priced', () => traceCost(traceId), (r) => r.status === 200 && r.body.calls.length === 3);
    expect(cost.body.cost).toBe('0.963625');
    expect(cost.body.costMicros).toBe('963625');
    expect(cost.body.unpricedCalls).toBe(1);
    const unpriced = cost.body.calls.find((c: any) => !c.priced);
    expect(unpriced.modelReported).toBe('house-model-7b');
    expect(unpriced.unpricedReason).toContain('not in the price catalog');
    const claude = cost.body.calls.find((c: any) => c.modelReported === 'anthropic/claude-sonnet-4-5');
    expect([claude.model, claude.cost]).toEqual(['claude-sonnet-4-5', '0.9585']);

    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const rollup = await call('GET', `/v1/costs?from=${from}&to=${to}&groupBy=model&workflow=${workflow}&granularity=day`, keys.finops);
    expect(rollup.status).toBe(200);
    const byModel = Object.fromEntries(rollup.body.rows.map((r: any) => [r.model, [r.calls, r.cost]]));
    expect(byModel).toEqual({ 'claude-sonnet-4-5': [1, '0.9585'], 'gpt-4o': [1, '0.005125'], 'house-model-7b': [1, '0'] });
    const top = await call('GET', `/v1/costs?from=${from}&to=${to}&groupBy=model&workflow=${workflow}&top=1`, keys.finops);
    expect(top.body.rows.map((r: any) => r.model)).toEqual(['claude-sonnet-4-5']);

    const list = await call('GET', '/v1/usage/unpriced', keys.finops);
    expect(list.body.usage.map((u: any) => u.model)).toContain('house-model-7b');
    const badGroup = await call('GET', `/v1/costs?from=${from}&to=${to}&groupBy=colour`, keys.finops);
    expect([badGroup.status, badGroup.body.field]).toEqual([400, 'groupBy']);
    const noSuchDay = await call('GET', `/v1/costs?from=2026-02-30T00:00:00Z&to=${to}&groupBy=model`, keys.finops);
    expect([noSuchDay.status, noSuchDay.body.field]).toEqual([400, 'from']);
  });

  it('documents request bodies in OpenAPI', async () => {
    const document = (await (await fetch(`${service.baseUrl}/openapi.json`)).json()) as { components: { schemas: Record<string, { properties?: object; required?: string[] }> } };
    const schema = (name: string) => document.components.schemas[name];
    expect(Object.keys(schema('DefineBudgetBody').properties ?? {}).sort()).toEqual(['hardLimit', 'name', 'period', 'scope', 'softLimit', 'thresholds']);
    expect(schema('DefineBudgetBody').required?.sort()).toEqual(['name', 'period', 'scope']);
    expect(schema('ImportCatalogBody').required?.sort()).toEqual(['catalog', 'effectiveFrom', 'format']);
    expect(schema('SetOverrideBody').required?.sort()).toEqual(['effectiveFrom', 'model', 'prices', 'reason']);
    expect(schema('ReserveBody').required?.sort()).toEqual(['amount', 'scope']);
    expect(schema('SettleBody').required).toEqual(['actualCost']);
  });

  it('prices the sample agent traces from the catalog', async () => {
    // gpt-4.1-2025-04-14: input 0.000002, output 0.000008. claude-sonnet-4-5-20250929: input 0.000003, output 0.000015.
    const expected: Record<string, string> = {
      'openai-agents-2025-09-30.trace.json': '0.000632', // 140 × 0.000002 + 44 × 0.000008
      'claude-agent-2025-12-22.trace.json': '0.003582', // 34 × 0.000003 + 232 × 0.000015
    };
    for (const [file, cost] of Object.entries(expected)) {
      const sample = sampleGenerations(file);
      const spans = sample.calls.map((c) => ({ ...llmSpan(sample.traceId, c.model, { input: c.input, output: c.output, cachedInput: c.cachedInput }), spanId: c.spanId }));
      await publisher.publish([spansEvent(tenantId, sample.traceId, spans)]);
      const priced = await waitFor(`${file} priced`, () => traceCost(sample.traceId), (r) => r.status === 200 && r.body.calls.length === spans.length);
      expect([file, priced.body.cost, priced.body.unpricedCalls]).toEqual([file, cost, 0]);
    }
  });

  it('crosses budget thresholds and emits events', async () => {
    const workflow = `wf-${uniqueSuffix()}`;
    const defined = await call('POST', '/v1/budgets', keys.finops, { name: 'triage daily', scope: { workflow }, period: 'day', softLimit: '0.008', hardLimit: '0.01' });
    expect(defined.status).toBe(201);
    const budgetId = defined.body.budgetId as string;

    const seen = new Map<string, EventEnvelope>();
    const consumer = await bus.consume({
      groupId: `test.cost-events.${uniqueSuffix()}`,
      topics: [Topics.costEvents],
      eachBatch: async (batch) => {
        for (const record of batch.records) {
          const event = decodeEvent(record.value, record.topic);
          if (event.tenantId === tenantId) seen.set(event.eventId, event);
        }
      },
    });
    try {
      // Two gpt-4o calls of 0.005125 each: 0.01025 passes 50 %, 80 % (soft) and 100 % (hard) of 0.01.
      for (let i = 0; i < 2; i += 1) {
        const traceId = hex(16);
        await publisher.publish([spansEvent(tenantId, traceId, [llmSpan(traceId, 'gpt-4o', { input: 1000, cachedInput: 500, output: 200 }, { workflow })])]);
      }
      const events = await waitFor('threshold and state events', async () => [...seen.values()].filter((e) => (e.payload as { budgetId?: string }).budgetId === budgetId), (list) =>
        list.some((e) => e.type === BudgetStateChangedV1.type && (e.payload as { state: string }).state === 'hard_limit'),
      );
      const thresholds = events.filter((e) => e.type === BudgetThresholdCrossedV1.type).map((e) => (e.payload as { thresholdPercent: number }).thresholdPercent);
      expect(thresholds.sort((a, b) => a - b)).toEqual([50, 80, 100]);
      const hard = events.find((e) => e.type === BudgetStateChangedV1.type && (e.payload as { state: string }).state === 'hard_limit');
      expect((hard?.payload as { spent: string }).spent).toBe('0.01025');

      const state = await call('GET', `/v1/budgets/state?workflow=${workflow}`, keys.platform);
      expect(state.body.state).toBe('hard_limit');
      expect(state.body.budgets[0].headroom).toBe('0');
      const denied = await call('POST', '/v1/budgets/reservations', keys.platform, { scope: { workflow }, amount: '0.001' });
      expect([denied.status, denied.body.code]).toEqual([409, 'conflict']);

      const removed = await call('POST', `/v1/budgets/${budgetId}/remove`, keys.finops, { reason: 'limit set by mistake' });
      expect([removed.status, removed.body.budgetId, removed.body.name]).toEqual([200, budgetId, 'triage daily']);
      const again = await call('POST', `/v1/budgets/${budgetId}/remove`, keys.finops, { reason: 'twice' });
      expect([again.status, again.body.code]).toEqual([409, 'conflict']);
      const unknown = await call('POST', `/v1/budgets/${randomUUID()}/remove`, keys.finops, { reason: 'no such budget' });
      expect(unknown.status).toBe(404);
      const afterRemoval = await call('GET', `/v1/budgets/state?workflow=${workflow}`, keys.platform);
      expect([afterRemoval.body.state, afterRemoval.body.budgets]).toEqual(['ok', []]);
      const listed = await call('GET', '/v1/budgets', keys.finops);
      expect(listed.body.budgets.map((b: { budgetId: string }) => b.budgetId)).not.toContain(budgetId);
      await waitFor('removal event', async () => [...seen.values()].filter((e) => e.type === BudgetRemovedV1.type && (e.payload as { budgetId: string }).budgetId === budgetId), (list) => list.length === 1);
    } finally {
      await consumer.stop();
    }
  });

  it('rejects unusable budget definitions', async () => {
    const workflow = `wf-${uniqueSuffix()}`;
    const base = { name: 'probe', scope: { workflow }, period: 'day' };
    const cases: Array<[object, string]> = [
      [{ ...base, hardLimit: '0' }, 'hardLimit must be a decimal string above zero'],
      [{ ...base, name: '   ', hardLimit: '5' }, 'name must contain a visible character'],
      [{ ...base, softLimit: '1e3' }, 'softLimit must be USD as a plain decimal string'],
    ];
    for (const [body, message] of cases) {
      const response = await call('POST', '/v1/budgets', keys.finops, body);
      expect([response.status, response.body.message]).toEqual([400, expect.stringContaining(message)]);
    }
    const listed = await call('GET', '/v1/budgets', keys.finops);
    expect(listed.body.budgets.filter((b: { scope: { workflow?: string } }) => b.scope.workflow === workflow)).toEqual([]);
  });

  it('never lets concurrent reservations overspend a run budget', async () => {
    const agent = `agent-${uniqueSuffix()}`;
    const sessionId = `session-${uniqueSuffix()}`;
    const defined = await call('POST', '/v1/budgets', keys.finops, { name: 'per session', scope: { agent }, period: 'run', hardLimit: '1.00' });
    expect(defined.status).toBe(201);

    const attempts = await Promise.all(Array.from({ length: 25 }, () => call('POST', '/v1/budgets/reservations', keys.platform, { scope: { agent }, sessionId, amount: '0.1' })));
    const granted = attempts.filter((a) => a.status === 201);
    expect(granted.length).toBe(10);
    expect(attempts.filter((a) => a.status === 409).length).toBe(15);

    const usageId = `u-${uniqueSuffix()}`;
    const settled = await call('POST', `/v1/budgets/reservations/${granted[0].body.reservationId}/settle`, keys.platform, { actualCost: '0.04', usageId });
    expect([settled.status, settled.body.countedFromUsage]).toEqual([200, false]);
    const again = await call('POST', `/v1/budgets/reservations/${granted[0].body.reservationId}/settle`, keys.platform, { actualCost: '0.04' });
    expect(again.status).toBe(409);
    const released = await call('POST', `/v1/budgets/reservations/${granted[1].body.reservationId}/release`, keys.platform, {});
    expect([released.status, released.body]).toEqual([200, { reservationId: granted[1].body.reservationId, status: 'released' }]);

    const state = await call('GET', `/v1/budgets/state?agent=${agent}&sessionId=${sessionId}`, keys.platform);
    expect([state.body.budgets[0].spent, state.body.budgets[0].reserved, state.body.budgets[0].headroom]).toEqual(['0.04', '0.8', '0.16']);

    // The usage for the settled call arrives later with the ledger's own price; the budget ends at that price, not at both.
    await publisher.publish([usageEvent(tenantId, { usageId, sessionId, agent, occurredAt: new Date().toISOString(), model: 'gpt-4o', usage: { input: 1000, cachedInput: 500, output: 200 } })]);
    await waitFor('usage replaces the settled amount', () => call('GET', `/v1/budgets/state?agent=${agent}&sessionId=${sessionId}`, keys.platform), (r) => r.body.budgets[0].spent === '0.005125');
  });

  it('raises a runaway loop signal once', async () => {
    const traceId = hex(16);
    const spans = Array.from({ length: 4 }, () => ({ ...llmSpan(traceId, 'gpt-4o-mini', { input: 10, output: 1 }, { agent: 'planner', workflow: 'loop-wf' }), step: 'tool_call' as const, context: { agent: 'planner', tool: 'search_docs' } }));
    await publisher.publish([spansEvent(tenantId, traceId, spans.slice(0, 2)), spansEvent(tenantId, traceId, spans.slice(1))]);
    const signals = await waitFor('loop signal', () => call('GET', '/v1/spend-signals?kind=runaway_loop', keys.finops), (r) => r.body.signals.some((s: any) => s.traceId === traceId));
    const forTrace = signals.body.signals.filter((s: any) => s.traceId === traceId);
    expect(forTrace.length).toBe(1);
    expect(forTrace[0].detail.step).toBe('tool_call|planner|search_docs');
    expect(SpendSignalRaisedV1.type).toBe('cost.spend-signal.raised');
  });
});
