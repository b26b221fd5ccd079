/**
 * Load client for the ingest benchmark, run in its own process so it does
 * not share an event loop with the service. Posts the binary body in
 * <body file> <amount> times over <connections> connections with
 * autocannon's API (its CLI reads bodies as text, which corrupts protobuf)
 * and prints autocannon's result as JSON, with `measuredSeconds` from the
 * first request to the last response: autocannon's own `duration` ends at
 * its next one-second tick, which would understate short runs' rates.
 *
 * Usage: ingest-load-client.ts <url> <body file> <amount> <connections> <headers JSON>
 */
import { readFileSync } from 'node:fs';
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<Record<string, unknown>> & NodeJS.EventEmitter;

async function run(): Promise<void> {
  const [url, file, amount, connections, headers] = process.argv.slice(2);
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`load target ${url} is not a loopback URL`);
  const started = performance.now();
  let lastResponse = started;
  const instance = autocannon({ url, method: 'POST', body: readFileSync(file), amount: Number(amount), connections: Number(connections), headers: JSON.parse(headers), timeout: 60 });
  instance.on('response', () => {
    lastResponse = performance.now();
  });
  const result = await instance;
  process.stdout.write(`${JSON.stringify({ ...result, measuredSeconds: (lastResponse - started) / 1000 })}\n`);
}

run().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
