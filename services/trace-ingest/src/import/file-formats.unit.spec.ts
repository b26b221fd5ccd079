import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inheritContext, normaliseSpan } from '@estate/genai-conventions';
import type { CanonicalSpan } from '@estate/contracts';
import { MalformedPayloadError } from '../otlp/decoded';
import { parseTraceFile } from './file-formats';

const fixture = (name: string) => readFileSync(join(__dirname, '../../test/fixtures', name), 'utf8');

function normaliseFile(name: string): { format: string; spans: CanonicalSpan[]; rejected: number } {
  const { format, batch } = parseTraceFile(fixture(name));
  const spans = batch.spans.map(normaliseSpan);
  inheritContext(spans);
  return { format, spans, rejected: batch.rejected.length };
}

function tokenTotals(spans: CanonicalSpan[]) {
  const totals: Record<string, number> = {};
  for (const span of spans) for (const [key, value] of Object.entries(span.usage ?? {})) totals[key] = (totals[key] ?? 0) + (value ?? 0);
  return totals;
}

describe('trace file import', () => {
  it('reads the OTLP/JSON example with upper-case hex ids', () => {
    const { format, spans } = normaliseFile('otlp-example-trace.json');
    expect(format).toBe('otlp-json');
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', parentSpanId: 'eee19b7ec3c1b173', startTimeUnixNano: '1544712660000000000', scope: 'my.library@1.0.0' });
    expect(spans[0].context.service).toBe('my.service');
  });

  it('reads OTLP/JSON lines as the collector file exporter writes them', () => {
    const line = JSON.stringify(JSON.parse(fixture('otlp-example-trace.json')));
    const { format, batch } = parseTraceFile(`${line}\n${line.replace('EEE19B7EC3C1B174', 'EEE19B7EC3C1B175')}\n`);
    expect(format).toBe('otlp-json-lines');
    expect(batch.spans.map((s) => s.spanId)).toEqual(['eee19b7ec3c1b174', 'eee19b7ec3c1b175']);
  });

  it('names the line of a malformed JSON line', () => {
    expect(() => parseTraceFile('{"resourceSpans":[]}\n{"resourceSpans":{}}\n')).toThrow('line 2: resourceSpans: must be a JSON array');
  });

  it('counts Vercel AI usage only on the provider spans', () => {
    const { format, spans } = normaliseFile('vercel-ai-readable-spans.json');
    expect(format).toBe('readable-spans');
    expect(spans).toHaveLength(10);
    const calls = spans.filter((s) => s.usage);
    expect(calls.map((s) => s.name).sort()).toEqual(calls.map((s) => s.name).filter((n) => /\.do(Generate|Stream|Embed)$/.test(n)).sort());
    const generate = spans.find((s) => s.name === 'ai.generateText.doGenerate')!;
    expect(generate.step).toBe('llm_call');
    expect(generate.usage).toMatchObject({ input: 14, output: 20 });
    expect(generate.context).toMatchObject({ provider: 'openai', modelRequested: 'gpt-4o-mini', modelServed: 'gpt-4o-mini-2024-07-18', workflow: 'test-generate-text' });
    expect(spans.find((s) => s.name === 'ai.generateText')!.usage).toBeUndefined();
  });

  it.each([
    ['langfuse-claude-agent-2025-12-22.trace.json', 7, { input: 34, output: 232 }],
    ['langfuse-openai-agents-2025-09-30.trace.json', 5, { input: 140, output: 44, cachedInput: 0, reasoning: 0 }],
    ['langfuse-google-adk-2025-08-28.trace.json', 5, { input: 67, output: 9 }],
    ['langfuse-csharp-agent-with-gemini-2026-03-09.trace.json', 8, { input: 8047, output: 414 }],
    ['langfuse-microsoft-agent-2025-12-17.trace.json', undefined, { input: 293, output: 106 }],
  ])('%s lands with model-call usage only', (name, count, expected) => {
    const { format, spans, rejected } = normaliseFile(name);
    expect(format).toBe('langfuse-trace');
    expect(rejected).toBe(0);
    if (count !== undefined) expect(spans).toHaveLength(count);
    expect(tokenTotals(spans)).toMatchObject(expected);
  });

  it('keeps the missing parent of the C# agent root as an orphan reference', () => {
    const { spans } = normaliseFile('langfuse-csharp-agent-with-gemini-2026-03-09.trace.json');
    const ids = new Set(spans.map((s) => s.spanId));
    const orphans = spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId));
    expect(orphans.map((s) => s.name)).toEqual(['Insights Agent C#']);
    expect(spans.find((s) => s.name === 'orchestrate_tools')!.usage).toBeUndefined();
    expect(spans.filter((s) => s.step === 'llm_call').every((s) => s.context.provider === 'gcp.vertex_ai' && s.context.environment === 'preprod')).toBe(true);
  });

  it('maps the Claude MCP tool name to server and tool', () => {
    const { spans } = normaliseFile('langfuse-claude-agent-2025-12-22.trace.json');
    const tools = spans.filter((s) => s.step === 'tool_call');
    expect(tools).toHaveLength(2);
    expect(tools[0].context).toMatchObject({ tool: 'get_weather', mcpServer: 'weather' });
    expect(spans.find((s) => s.step === 'llm_call')!.context.provider).toBe('anthropic');
  });

  it('keeps the cost Langfuse computed as a reported cost', () => {
    const { spans } = normaliseFile('langfuse-microsoft-agent-2025-12-17.trace.json');
    const chats = spans.filter((s) => s.step === 'llm_call');
    expect(chats.length).toBeGreaterThan(0);
    for (const chat of chats) expect(chat.reportedCost).toMatchObject({ currency: 'USD', source: 'langfuse cost_details.total' });
    expect(spans.find((s) => s.step === 'agent_invocation')!.reportedCost).toBeUndefined();
  });

  it('rejects a bare attribute map with the shapes it accepts', () => {
    expect(() => parseTraceFile(fixture('otel_genai_tool_execution_span.json'))).toThrow(MalformedPayloadError);
    expect(() => parseTraceFile(fixture('otel_genai_tool_execution_span.json'))).toThrow(/no trace or span ids/);
  });
});
