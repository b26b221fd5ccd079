import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { allNodes, startTraceIngest, TraceIngestUnderTest } from '../test/harness';

jest.setTimeout(120_000);

const run = promisify(execFile);
const CHILD = join(__dirname, '../test/otel-export-child.ts');
const ROOT = join(__dirname, '../../..');

/** Sends one recorded agent request with a real exporter in its own process (see otel-export-child.ts). */
async function exportFromChild(protocol: string, url: string, key: string): Promise<{ traceId: string; code: number; error?: string }> {
  const { stdout } = await run(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD, protocol, url, key, `answer-${protocol}`], { cwd: ROOT });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('OTLP receivers with the OpenTelemetry JS exporters', () => {
  let ingest: TraceIngestUnderTest;

  beforeAll(async () => {
    ingest = await startTraceIngest();
  });

  afterAll(async () => {
    await ingest.stop();
  });

  it.each(['http/protobuf', 'http/protobuf+gzip', 'http/json', 'grpc'])('%s exporter lands the request as a tree with its token counts', async (protocol) => {
    const url = protocol === 'grpc' ? ingest.otlpGrpcAddress : ingest.otlpHttpUrl;
    const result = await exportFromChild(protocol, url, ingest.keys.ingest.key);
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(0);

    const body = await ingest.waitForTrace(result.traceId, 4);
    expect(body.trace.spanCount).toBe(4);
    expect(body.trace.orphanCount).toBe(0);
    expect(body.trace.status).toBe('error');
    expect(body.trace.errorCount).toBe(1);
    expect(body.trace.workflow).toBe('support-answer');
    expect(body.trace.environment).toBe('prod');
    expect(body.trace.models).toEqual(['gpt-4o-2024-08-06']);
    expect(body.trace.tools).toEqual(['lookup_order']);
    expect(body.trace.agents).toEqual(['triage']);
    // Input excludes the 1000 cached tokens and output the 100 reasoning tokens; the agent span's 999 are not counted.
    expect(body.trace.tokens).toMatchObject({ input: 200, cachedInput: 1000, output: 200, reasoning: 100, total: 1500 });

    expect(body.spans).toHaveLength(1);
    const [root] = body.spans;
    expect(root.step).toBe('request');
    expect(root.children.map((c: any) => c.step)).toEqual(['agent_invocation']);
    expect(root.children[0].children.map((c: any) => c.step).sort()).toEqual(['llm_call', 'tool_call']);
    const chat = allNodes(body.spans).find((n) => n.step === 'llm_call');
    expect(chat.context).toMatchObject({ provider: 'openai', modelRequested: 'gpt-4o', modelServed: 'gpt-4o-2024-08-06', team: 'support', agent: 'triage' });
    expect(chat.events[0].attributes['gen_ai.input.messages']).toContain('Où est ma commande ?');
    expect(allNodes(body.spans).find((n) => n.step === 'agent_invocation').usage).toBeNull();
  });

  it('rejects an exporter without an ingest key', async () => {
    const result = await exportFromChild('http/protobuf', ingest.otlpHttpUrl, ingest.keys.security.key);
    expect(result.code).not.toBe(0);
    expect(result.error).toMatch(/403|Forbidden/i);
  });
});
