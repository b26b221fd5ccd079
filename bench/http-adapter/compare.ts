/**
 * Nest on Fastify against Nest on Express, serving the same small JSON
 * endpoint (bench/http-adapter/app.ts) in its own process, with autocannon
 * in another. Adapters alternate within each round. Sizes: LOAD_SECONDS
 * (default 5), BENCH_ROUNDS (default 3).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { printBenchResult, sizeFromEnv } from '../suite/bench-result';
import { runLoad } from '../suite/load';
import { summarize } from '../suite/stats';

const SECONDS = sizeFromEnv('LOAD_SECONDS', 5);
const ROUNDS = sizeFromEnv('BENCH_ROUNDS', 3);
const ADAPTERS = ['fastify', 'express'] as const;
const START_TIMEOUT_MS = 60_000;

async function startApp(adapter: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, 'app.ts'), adapter], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${adapter} app did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /LISTENING (\d+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`${adapter} app exited with code ${code} before listening`)));
  });
  return { child, port };
}

async function measure(adapter: string): Promise<{ requestsPerSecond: number; latencyP99Ms: number }> {
  const { child, port } = await startApp(adapter);
  try {
    const load = await runLoad({ url: `http://127.0.0.1:${port}/v1/assets/sample`, seconds: SECONDS, connections: 16 });
    if (load.errors > 0 || load.non2xx > 0) throw new Error(`${adapter}: ${load.non2xx} non-2xx responses, ${load.errors} errors`);
    return load;
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const figures = new Map<string, Array<{ requestsPerSecond: number; latencyP99Ms: number }>>(ADAPTERS.map((a) => [a, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    const order = round % 2 === 0 ? [...ADAPTERS] : [...ADAPTERS].reverse();
    for (const adapter of order) {
      const result = await measure(adapter);
      console.log(`${round === 0 ? 'warm-up' : `round ${round}`} ${adapter}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.latencyP99Ms} ms`);
      if (round > 0) figures.get(adapter)!.push(result);
    }
  }
  const adapters = Object.fromEntries(
    [...figures].map(([adapter, runs]) => [adapter, { requestsPerSecond: summarize(runs.map((r) => r.requestsPerSecond)), latencyP99Ms: summarize(runs.map((r) => r.latencyP99Ms)) }]),
  );
  printBenchResult({ name: 'http-adapter', seconds: SECONDS, rounds: ROUNDS, adapters });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
