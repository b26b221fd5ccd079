/**
 * Load client for the ingest benchmark, run in its own process so it does
 * not share an event loop with the service. Posts the binary body in
 * <body file> <amount> times over <connections> connections with
 * autocannon's API (its CLI reads bodies as text, which corrupts protobuf)
 * and prints autocannon's result as JSON.
 *
 * Usage: ingest-load-client.ts <url> <body file> <amount> <connections> <headers JSON>
 */
import { readFileSync } from 'node:fs';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<Record<string, unknown>>;

async function run(): Promise<void> {
  const [url, file, amount, connections, headers] = process.argv.slice(2);
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`load target ${url} is not a loopback URL`);
  const result = await autocannon({ url, method: 'POST', body: readFileSync(file), amount: Number(amount), connections: Number(connections), headers: JSON.parse(headers), timeout: 60 });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

run().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
