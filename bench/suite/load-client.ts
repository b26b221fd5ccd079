/**
 * Child process for `runLoad`: runs autocannon with the options given as one
 * JSON argument and prints its result as JSON. It exists because the
 * autocannon command line reads a body file as UTF-8, which corrupts a
 * protobuf body; the API takes the bytes as they are.
 */
import { readFileSync } from 'node:fs';

interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number };
  errors: number;
  non2xx: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2]) as { url: string; seconds: number; connections: number; method: string; bodyFile?: string; headers?: Record<string, string> };
  const autocannon = require('autocannon') as Autocannon;
  const result = await autocannon({
    url: options.url,
    duration: options.seconds,
    connections: options.connections,
    method: options.method,
    headers: options.headers,
    body: options.bodyFile ? readFileSync(options.bodyFile) : undefined,
  });
  process.stdout.write(JSON.stringify({ requests: result.requests, latency: result.latency, errors: result.errors, non2xx: result.non2xx }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
