import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLIENT = join(__dirname, 'load-client.ts');

export interface LoadResult {
  requestsPerSecond: number;
  latencyP99Ms: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  method?: 'GET' | 'POST';
  bodyFile?: string;
  headers?: Record<string, string>;
}

/**
 * Runs autocannon (8.x) in its own process against a loopback URL for a
 * fixed time, so the client does not share an event loop with the server.
 * Connections are kept alive and each sends its next request on a response.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(options.url)) throw new Error(`load target ${options.url} is not a loopback URL`);
  const args = ['-r', 'ts-node/register/transpile-only', CLIENT, JSON.stringify({ method: 'GET', ...options })];
  const { stdout } = await run(process.execPath, args, { timeout: (options.seconds + 30) * 1000, maxBuffer: 16 * 1024 * 1024 });
  const report = JSON.parse(stdout) as { requests: { average: number }; latency: { p99: number }; errors: number; non2xx: number };
  return { requestsPerSecond: report.requests.average, latencyP99Ms: report.latency.p99, errors: report.errors, non2xx: report.non2xx };
}
