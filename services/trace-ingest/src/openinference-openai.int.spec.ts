import { execFile } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTraceIngest, TraceIngestUnderTest } from '../test/harness';

jest.setTimeout(120_000);

const run = promisify(execFile);

/** Answers like the OpenAI chat completions API, with cached and reasoning token details in the usage. */
function startModelStub(): Promise<Server> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({
        id: 'chatcmpl-stub-1',
        object: 'chat.completion',
        created: 1_760_000_000,
        model: 'gpt-4o-mini-2024-07-18',
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Le client attend un remboursement.' } }],
        usage: {
          prompt_tokens: 1200,
          completion_tokens: 300,
          total_tokens: 1500,
          prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 128, audio_tokens: 0 },
        },
      }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('OpenInference OpenAI instrumentation', () => {
  let ingest: TraceIngestUnderTest;
  let model: Server;

  beforeAll(async () => {
    [ingest, model] = await Promise.all([startTraceIngest(), startModelStub()]);
  });

  afterAll(async () => {
    await new Promise((resolve) => model.close(resolve));
    await ingest.stop();
  });

  it('lands real instrumentation spans with usage split by token class', async () => {
    const modelUrl = `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1`;
    const child = join(__dirname, '../test/openinference-openai-child.ts');
    const { stdout } = await run(process.execPath, ['-r', 'ts-node/register/transpile-only', child, modelUrl, ingest.otlpHttpUrl, ingest.keys.ingest.key], { cwd: join(__dirname, '../../..') });
    const { traceId } = JSON.parse(stdout.trim().split('\n').pop()!);

    const body = await ingest.waitForTrace(traceId, 2);
    expect(body.trace).toMatchObject({ spanCount: 2, orphanCount: 0, workflow: 'answer-ticket', environment: 'staging', models: ['gpt-4o-mini-2024-07-18'], providers: ['openai'] });
    expect(body.trace.tokens).toEqual({ input: 176, cachedInput: 1024, cacheCreation: 0, audioInput: 0, output: 172, reasoning: 128, audioOutput: 0, total: 1500 });
    const [root] = body.spans;
    expect(root.step).toBe('request');
    const [llm] = root.children;
    expect(llm.step).toBe('llm_call');
    expect(llm.scope).toContain('openinference');
    expect(llm.usage).toEqual({ input: 176, cachedInput: 1024, audioInput: 0, output: 172, reasoning: 128, audioOutput: 0, total: 1500 });
    expect(JSON.stringify(llm.attributes)).toContain('Résume le ticket 42');
  });
});
