import 'reflect-metadata';
import { validatePlain } from '../validation';
import { decisionLooksValid } from './decision-check';
import { DECISION_OUTCOMES, PolicyDecisionRecorded, PolicyDecisionRecordedV1 } from './policy';

function valid(): Record<string, unknown> {
  return {
    decisionId: 'dec-1', traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331',
    principal: { type: 'Agent', id: 'support-bot' }, action: 'call_tool', resource: { type: 'Tool', id: 'issue_refund' },
    context: { environment: 'prod', prompt: '[masked]' }, outcome: 'allow', bundleVersion: 'v3',
    determiningPolicies: ['p1'], reasons: ['allowed'], obligations: [{ type: 'redact', fields: ['prompt'] }],
    exceptionWindowIds: [], decidedAt: '2026-12-04T10:00:00.000Z',
  };
}

const CASES: Array<[string, Record<string, unknown>]> = [
  ['a valid payload', valid()],
  ['no optional ids', { ...valid(), traceId: undefined, spanId: null, grantApprovalId: undefined }],
  ['an empty decision id', { ...valid(), decisionId: '' }],
  ['a numeric trace id', { ...valid(), traceId: 7 }],
  ['a missing principal', { ...valid(), principal: undefined }],
  ['a principal type over 64 characters', { ...valid(), principal: { type: 'A'.repeat(65), id: 'x' } }],
  ['an entity id of 512 emoji', { ...valid(), resource: { type: 'Tool', id: '😀'.repeat(300) } }],
  ['an array context', { ...valid(), context: [] }],
  ['an unknown outcome', { ...valid(), outcome: 'maybe' }],
  ['101 reasons', { ...valid(), reasons: Array.from({ length: 101 }, () => 'r') }],
  ['a numeric reason', { ...valid(), reasons: [1] }],
  ['an obligation without type', { ...valid(), obligations: [{ fields: ['x'] }] }],
  ['an obligation that is a string', { ...valid(), obligations: ['redact'] }],
  ['obligation fields that are not strings', { ...valid(), obligations: [{ type: 'redact', fields: [1] }] }],
  ['a bad decision time', { ...valid(), decidedAt: 'now' }],
  ['a requested approval', { ...valid(), outcome: 'require_approval', approval: { approvalId: 'apr-1', path: { roles: ['security'], required: 1 }, scope: {}, expiresInSeconds: 60 } }],
  ['a requesting key id', { ...valid(), requestedByKeyId: 'key-1' }],
  ['a numeric requesting key id', { ...valid(), requestedByKeyId: 42 }],
  ['window ids that are not an array', { ...valid(), exceptionWindowIds: 'w1' }],
];

describe('decisionLooksValid', () => {
  it.each(CASES)('never accepts what the decorators reject: %s', (_, payload) => {
    const reference = validatePlain(PolicyDecisionRecorded, payload).issues;
    if (decisionLooksValid(payload, DECISION_OUTCOMES)) expect(reference).toEqual([]);
    expect(PolicyDecisionRecordedV1.validate!(payload).length === 0).toBe(reference.length === 0);
  });

  it('takes the fast path for the ordinary decision', () => {
    expect(decisionLooksValid(valid(), DECISION_OUTCOMES)).toBe(true);
    expect(decisionLooksValid({ ...valid(), traceId: undefined }, DECISION_OUTCOMES)).toBe(true);
  });
});
