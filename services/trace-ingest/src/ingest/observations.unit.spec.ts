import type { CanonicalSpan } from '@estate/contracts';
import { nanosToIso, observeAssets } from './observations';

function span(spanId: string, start: string, end: string, context: CanonicalSpan['context'], step: CanonicalSpan['step'] = 'llm_call'): CanonicalSpan {
  return { traceId: 'a'.repeat(32), spanId, name: 'chat', step, startTimeUnixNano: start, endTimeUnixNano: end, status: 'ok', context, attributes: {}, resource: {} };
}

describe('observeAssets', () => {
  const context = { service: 'support-agent', environment: 'prod', agent: 'triage', provider: 'openai', modelRequested: 'gpt-4o-mini', modelServed: 'gpt-4o-mini-2024-07-18' };

  it('reports each asset once per context with its first start and last end', () => {
    const observed = observeAssets([
      span('1', '1760000002000000000', '1760000003000000000', context),
      span('2', '1760000001000000000', '1760000002500000000', context),
    ]);
    const served = observed.filter((o) => o.kind === 'model' && o.name === 'gpt-4o-mini-2024-07-18');
    expect(served).toEqual([
      { kind: 'model', name: 'gpt-4o-mini-2024-07-18', environment: 'prod', service: 'support-agent', provider: 'openai', viaAgent: 'triage', firstSeenAt: '2025-10-09T08:53:21.000Z', lastSeenAt: '2025-10-09T08:53:23.000Z', exampleTraceId: 'a'.repeat(32) },
    ]);
    expect(observed.map((o) => `${o.kind}:${o.name}`).sort()).toEqual(['agent:triage', 'model:gpt-4o-mini', 'model:gpt-4o-mini-2024-07-18', 'provider:openai', 'service:support-agent']);
  });

  it('keeps contexts apart and leaves out fields a span does not carry', () => {
    const observed = observeAssets([span('1', '1', '2', { tool: 'crm.lookup', agent: 'a' }, 'tool_call'), span('2', '1', '2', { tool: 'crm.lookup', agent: 'b' }, 'tool_call')]);
    const tools = observed.filter((o) => o.kind === 'tool');
    expect(tools.map((t) => t.viaAgent)).toEqual(['a', 'b']);
    expect(Object.keys(tools[0]).sort()).toEqual(['exampleTraceId', 'firstSeenAt', 'kind', 'lastSeenAt', 'name', 'viaAgent']);
  });

  it('reports times Date cannot hold as the epoch', () => {
    expect(nanosToIso('99999999999999999999999999')).toBe('1970-01-01T00:00:00.000Z');
    expect(nanosToIso('1760000000123456789')).toBe('2025-10-09T08:53:20.123Z');
  });
});
