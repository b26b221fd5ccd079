import type { SpanInput } from '@estate/genai-conventions';
import { DEFAULT_LIMITS } from '../settings';
import { spanLimitProblem, TRUNCATION_MARKER, truncateLongValues } from './limits';
import { parseRedactionRules, redactionApplies, redactSpan, redactText } from './redaction';

function span(attributes: SpanInput['attributes']): SpanInput {
  return { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 's', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2', statusCode: 0, attributes, events: [], resource: {} };
}

describe('attribute limits', () => {
  it('truncates by code point without splitting a surrogate pair and records the original length', () => {
    const input = span({ text: '😀'.repeat(10), short: 'ok', list: ['x'.repeat(20)] });
    truncateLongValues(input, 4);
    expect(input.attributes.text).toBe(`😀😀😀😀${TRUNCATION_MARKER}`);
    expect(input.attributes.short).toBe('ok');
    expect(input.attributes.list).toEqual([`xxxx${TRUNCATION_MARKER}`]);
    expect(input.attributes['estate.truncated']).toEqual({ text: 10, list: 20 });
  });

  it('truncates a multi-megabyte value', () => {
    const input = span({ prompt: 'é'.repeat(3_000_000) });
    truncateLongValues(input, DEFAULT_LIMITS.maxAttributeValueLength);
    expect((input.attributes.prompt as string).length).toBe(DEFAULT_LIMITS.maxAttributeValueLength + TRUNCATION_MARKER.length);
    expect(input.attributes['estate.truncated']).toEqual({ prompt: 3_000_000 });
  });

  it('names the attribute count and the limit', () => {
    const attributes = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, i]));
    expect(spanLimitProblem(span(attributes), { ...DEFAULT_LIMITS, maxAttributesPerSpan: 4 })).toBe('the span has 5 attributes; the limit is 4 per span');
    expect(spanLimitProblem(span(attributes), DEFAULT_LIMITS)).toBeUndefined();
  });
});

describe('redaction', () => {
  it.each([
    ['write to ana@example.org', 'write to [REDACTED:email]'],
    ['key sk-proj-0123456789abcdefghij', 'key [REDACTED:secret]'],
    ['aws AKIAABCDEFGHIJKLMNOP', 'aws [REDACTED:secret]'],
    ['card 4111 1111 1111 1111 ok', 'card [REDACTED:card_number] ok'],
    ['call +33 6 12 34 56 78', 'call [REDACTED:phone]'],
    ['Grüße aus Köln, 東京', 'Grüße aus Köln, 東京'],
  ])('masks %s', (text, expected) => {
    expect(redactText(text).text).toBe(expected);
  });

  it('masks content attributes and event attributes only', () => {
    const input = span({ 'gen_ai.input.messages': 'mail ana@example.org', 'user.email': 'ana@example.org' });
    input.events.push({ name: 'gen_ai.user.message', timeUnixNano: '1', attributes: { content: 'ana@example.org' } });
    redactSpan(input);
    expect(input.attributes['gen_ai.input.messages']).toBe('mail [REDACTED:email]');
    expect(input.attributes['user.email']).toBe('ana@example.org');
    expect(input.events[0].attributes.content).toBe('[REDACTED:email]');
    expect(input.attributes['estate.redactions']).toBe(2);
  });

  it('applies rules by tenant and environment', () => {
    const rules = parseRedactionRules('[{"tenantId":"acme"},{"environment":"prod"}]');
    expect(redactionApplies(rules, 'acme', 'dev')).toBe(true);
    expect(redactionApplies(rules, 'other', 'prod')).toBe(true);
    expect(redactionApplies(rules, 'other', 'dev')).toBe(false);
    expect(() => parseRedactionRules('{"environment":"prod"}')).toThrow('must be a JSON list');
    expect(() => parseRedactionRules('[{"tenantId":5}]')).toThrow('rule 0: tenantId must be a non-empty string, got 5');
    expect(() => parseRedactionRules('[{"env":"prod"}]')).toThrow('rule 0 has unknown key(s) env');
    expect(() => parseRedactionRules('[nope')).toThrow('is not JSON');
  });
});
