import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { validatePlain } from '../validation';
import { CanonicalSpan, SPAN_CONTEXT_KEYS, SpanContext, SpansRecorded, validateSpansRecorded } from './spans';

function validSpan(): CanonicalSpan {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: '00f067aa0ba902b7',
    name: 'chat gpt-4o',
    step: 'llm_call',
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000001000000000',
    status: 'ok',
    context: { service: 'svc', modelRequested: 'gpt-4o' },
    usage: { input: 10, output: 5, cachedInput: 0 },
    reportedCost: { amount: '0.0012', currency: 'USD', source: 'llm.cost.total' },
    attributes: { 'gen_ai.operation.name': 'chat' },
    resource: { 'service.name': 'svc' },
    events: [],
    scope: 'openinference',
  };
}

const payload = (span: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ traceId: '0af7651916cd43dd8448eb211c80319c', source: 'otlp-grpc', spans: [span], ...extra });

const CASES: Array<[string, unknown]> = [
  ['a valid payload', payload(validSpan() as never)],
  ['a span without optional fields', payload({ ...validSpan(), parentSpanId: undefined, usage: undefined, reportedCost: undefined, events: undefined, scope: undefined })],
  ['an upper-case trace id', payload({ ...validSpan(), traceId: '0AF7651916CD43DD8448EB211C80319C' })],
  ['a short span id', payload({ ...validSpan(), spanId: 'abc' })],
  ['a bad parent id', payload({ ...validSpan(), parentSpanId: 'zz' })],
  ['an unknown step', payload({ ...validSpan(), step: 'thinking' })],
  ['a numeric start time', payload({ ...validSpan(), startTimeUnixNano: 1700000000 })],
  ['a non-numeric end time', payload({ ...validSpan(), endTimeUnixNano: 'soon' })],
  ['an unknown status', payload({ ...validSpan(), status: 'fine' })],
  ['a negative token count', payload({ ...validSpan(), usage: { input: -1 } })],
  ['a fractional token count', payload({ ...validSpan(), usage: { output: 1.5 } })],
  ['a token count past 2^53', payload({ ...validSpan(), usage: { input: 1e30 } })],
  ['a float cost', payload({ ...validSpan(), reportedCost: { amount: 0.1, currency: 'USD', source: 's' } })],
  ['a long currency', payload({ ...validSpan(), reportedCost: { amount: '1', currency: 'DOLLARS-US', source: 's' } })],
  ['a numeric context value', payload({ ...validSpan(), context: { service: 42 } })],
  ['array attributes', payload({ ...validSpan(), attributes: [] })],
  ['missing resource', payload({ ...validSpan(), resource: undefined })],
  ['an overlong name', payload({ ...validSpan(), name: 'n'.repeat(1025) })],
  ['an unknown source', payload(validSpan() as never, { source: 'carrier-pigeon' })],
  ['spans that are not an array', { traceId: '0af7651916cd43dd8448eb211c80319c', source: 'otlp-grpc', spans: {} }],
  ['a span that is a string', { traceId: '0af7651916cd43dd8448eb211c80319c', source: 'otlp-grpc', spans: ['x'] }],
];

describe('validateSpansRecorded', () => {
  it.each(CASES)('gives the class-validator verdict for %s', (_, value) => {
    const fast = validateSpansRecorded(value).map((i) => i.field).sort();
    const reference = validatePlain(SpansRecorded, value).issues.map((i) => i.field);
    expect(fast.length === 0).toBe(reference.length === 0);
    // Every field class-validator names sits at or under a field the fast path names.
    for (const field of reference) expect(fast.some((f) => field === f || field.startsWith(`${f}.`))).toBe(true);
  });

  it('lists every SpanContext field', () => {
    const fields = getMetadataStorage().getTargetValidationMetadatas(SpanContext, '', true, false).map((m) => m.propertyName);
    expect([...new Set(fields)].sort()).toEqual([...SPAN_CONTEXT_KEYS].sort());
  });
});
