import { validatePlain } from '@estate/contracts';
import { acceptDecisionRequest } from './decision-request-check';
import { DecisionRequestDto } from './decision.dto';

const minimal = {
  principal: { type: 'Agent', id: 'analyst' },
  action: 'invoke_tool',
  resource: { type: 'Tool', id: 'search_docs' },
  context: { environment: 'prod' },
};
const full = {
  ...minimal,
  context: {
    environment: 'prod', policyClass: 'internal', toolScope: ['search_docs'], traceId: 'a'.repeat(32), spanId: 'b'.repeat(16),
    prompt: 'hello', output: '', retrievedContent: ['doc'], budgetState: 'ok', toolDefinitionHash: 'c'.repeat(64), arguments: { q: 1 },
  },
};
const withContext = (context: object) => ({ ...minimal, context: { environment: 'prod', ...context } });
const nested = (levels: number): object => (levels === 0 ? {} : { next: nested(levels - 1) });

const accepted: Array<[string, unknown]> = [
  ['minimal request', minimal],
  ['every context field', full],
  ['empty policy class', withContext({ policyClass: '' })],
  ['arguments nested 60 levels', withContext({ arguments: nested(60) })],
];

const handedBack: Array<[string, unknown]> = [
  ['not an object', 'request'],
  ['unknown top-level key', { ...minimal, extra: 1 }],
  ['request entities', { ...minimal, entities: [] }],
  ['unknown action', { ...minimal, action: 'teleport' }],
  ['missing principal', { ...minimal, principal: undefined }],
  ['unknown entity type', { ...minimal, resource: { type: 'Planet', id: 'x' } }],
  ['empty entity id', { ...minimal, principal: { type: 'Agent', id: '' } }],
  ['long entity id', { ...minimal, principal: { type: 'Agent', id: 'x'.repeat(513) } }],
  ['extra entity key', { ...minimal, principal: { type: 'Agent', id: 'a', name: 'b' } }],
  ['missing environment', { ...minimal, context: {} }],
  ['empty environment', withContext({ environment: '' })],
  ['unknown context key', withContext({ tenant: 't' })],
  ['null field', withContext({ prompt: null })],
  ['numeric prompt', withContext({ prompt: 5 })],
  ['upper-case trace id', withContext({ traceId: 'A'.repeat(32) })],
  ['short span id', withContext({ spanId: 'b'.repeat(15) })],
  ['unknown budget state', withContext({ budgetState: 'fine' })],
  ['array arguments', withContext({ arguments: [1] })],
  ['non-string tool scope', withContext({ toolScope: [1] })],
  ['too many documents', withContext({ retrievedContent: Array.from({ length: 101 }, () => 'd') })],
  ['NUL in the prompt', withContext({ prompt: 'a\u0000b' })],
  ['NUL in an argument key', withContext({ arguments: { 'a\u0000': 1 } })],
  ['arguments nested 64 levels', withContext({ arguments: nested(64) })],
];

describe('acceptDecisionRequest', () => {
  it.each(accepted)('accepts a %s', (_, request) => {
    expect(acceptDecisionRequest(request)).toBe(request);
  });

  it.each(handedBack)('hands back a request with %s', (_, request) => {
    expect(acceptDecisionRequest(request)).toBeUndefined();
  });

  it.each(accepted)('agrees with class-validator on a %s', (_, request) => {
    expect(validatePlain(DecisionRequestDto, request).issues).toEqual([]);
  });
});
