import 'reflect-metadata';
import { validatePlain } from '../validation';
import { AssetObserved, AssetObservedV1, observationLooksValid } from './observations';

function valid(): Record<string, unknown> {
  return {
    kind: 'tool', name: 'crm.lookup_order', environment: 'prod', service: 'support-agent', viaAgent: 'triage-agent', workflow: 'refund-triage',
    firstSeenAt: '2026-12-04T10:00:00.000Z', lastSeenAt: '2026-12-04T10:00:01.000Z', exampleTraceId: '0af7651916cd43dd8448eb211c80319c',
  };
}

const CASES: Array<[string, unknown]> = [
  ['a valid payload', valid()],
  ['no optional fields', { ...valid(), environment: undefined, service: null, viaAgent: undefined, workflow: undefined, provider: undefined }],
  ['a provider', { ...valid(), kind: 'model', provider: 'openai' }],
  ['an unknown kind', { ...valid(), kind: 'robot' }],
  ['a missing name', { ...valid(), name: undefined }],
  ['a name of 513 characters', { ...valid(), name: 'x'.repeat(513) }],
  ['a name of 512 emoji', { ...valid(), name: '😀'.repeat(512) }],
  ['a name of 300 emoji', { ...valid(), name: '😀'.repeat(300) }],
  ['a numeric service', { ...valid(), service: 7 }],
  ['a nonexistent day', { ...valid(), firstSeenAt: '2026-02-30T00:00:00Z' }],
  ['a missing last seen time', { ...valid(), lastSeenAt: undefined }],
  ['a numeric example trace', { ...valid(), exampleTraceId: 1 }],
  ['an array', [valid()]],
];

describe('observationLooksValid', () => {
  it.each(CASES)('never accepts what the decorators reject: %s', (_, payload) => {
    const reference = validatePlain(AssetObserved, payload).issues;
    if (observationLooksValid(payload)) expect(reference).toEqual([]);
    expect(AssetObservedV1.validate!(payload).length === 0).toBe(reference.length === 0);
  });

  it('takes the fast path for observations', () => {
    expect(observationLooksValid(valid())).toBe(true);
    expect(observationLooksValid({ ...valid(), viaAgent: undefined })).toBe(true);
  });
});
