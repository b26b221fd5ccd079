import { copyText } from './span-staging';
import type { SpanRow } from './span-rows';

function row(overrides: Partial<SpanRow>): SpanRow {
  return {
    tenant_id: 't1', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16), parent_span_id: null, name: 'chat', step: 'llm_call',
    start_ns: '1', end_ns: '2', status: 'ok', status_message: null, service: null, environment: null, workflow: null,
    agent: null, tool: null, model: null, provider: null, context: {}, usage: null, reported_cost: null,
    attributes: {}, resource: {}, events: null, scope: null, source: 'otlp-http-protobuf', ...overrides,
  };
}

describe('copyText', () => {
  it('writes null as \\N and ends each row with a newline', () => {
    const fields = copyText([row({})]).split('\t');
    expect(fields).toHaveLength(27);
    expect(fields[3]).toBe('\\N');
    expect(fields[24]).toBe('otlp-http-protobuf');
    expect(fields[26]).toMatch(/^[0-9a-f]{32}\n$/);
  });

  it('escapes COPY delimiters in text', () => {
    const fields = copyText([row({ name: 'a\\b\tc\nd\re' })]).split('\t');
    expect(fields[4]).toBe('a\\\\b\\tc\\nd\\re');
  });

  it('replaces NUL in text and json', () => {
    const fields = copyText([row({ name: 'x\u0000y', attributes: { k: 'v\u0000', raw: '\\u0000' } })]).split('\t');
    expect(fields[4]).toBe('x\ufffdy');
    expect(fields[20]).toBe('{"k":"v\\\\ufffd","raw":"\\\\\\\\u0000"}');
  });

  it('counts the context keys jsonb keeps and hashes the row text', () => {
    const [a, b] = copyText([row({ context: { service: 'svc', tool: undefined, agent: 'a' } }), row({ context: { service: 'svc', agent: 'b' } })]).split('\n');
    expect(a.split('\t')[25]).toBe('2');
    expect(a.split('\t')[26]).not.toBe(b.split('\t')[26]);
    expect(copyText([row({ context: { service: 'svc', agent: 'a' } })]).split('\t')[26]).toBe(a.split('\t')[26] + '\n');
  });

  it('returns nothing for no rows', () => {
    expect(copyText([])).toBe('');
  });
});
