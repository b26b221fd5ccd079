/**
 * A bare Node HTTP server that reads each OTLP/HTTP protobuf body, decodes it
 * with protobufjs and discards it: the most spans per second this machine
 * accepts over HTTP before Estate does any work, which the ingest rate is
 * divided by. autocannon sends the load from its own process.
 * Sizes: OTLP_SPANS_PER_REQUEST (default 100), LOAD_SECONDS (default 5),
 * BENCH_ROUNDS (default 3).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printBenchResult, sizeFromEnv } from '../bench-result';
import { runLoad } from '../load';
import { loadExportRequestType, otlpTraceBody } from '../otlp-body';
import { repeat } from '../repeat';

const SPANS_PER_REQUEST = sizeFromEnv('OTLP_SPANS_PER_REQUEST', 100);
const SECONDS = sizeFromEnv('LOAD_SECONDS', 5);
const ROUNDS = sizeFromEnv('BENCH_ROUNDS', 3);
const CONNECTIONS = 8;

async function main(): Promise<void> {
  const type = loadExportRequestType();
  if (!type) {
    printBenchResult({ name: 'limit-otlp-http', available: false, reason: 'proto/opentelemetry is missing' });
    return;
  }
  const directory = mkdtempSync(join(tmpdir(), 'estate-bench-otlp-'));
  const bodyFile = join(directory, 'traces.pb');
  const body = otlpTraceBody(type, SPANS_PER_REQUEST);
  writeFileSync(bodyFile, body);

  let decodedSpans = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const decoded = type.decode(Buffer.concat(chunks)) as unknown as { resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> };
      decodedSpans += decoded.resourceSpans[0].scopeSpans[0].spans.length;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const spansPerSecond = await repeat('bare OTLP/HTTP spans/s', ROUNDS, async () => {
      const load = await runLoad({
        url: `http://127.0.0.1:${port}/v1/traces`,
        method: 'POST',
        bodyFile,
        headers: { 'content-type': 'application/x-protobuf' },
        seconds: SECONDS,
        connections: CONNECTIONS,
      });
      if (load.errors > 0 || load.non2xx > 0) throw new Error(`bare OTLP server returned ${load.non2xx} non-2xx responses and ${load.errors} errors`);
      return load.requestsPerSecond * SPANS_PER_REQUEST;
    });
    printBenchResult({ name: 'limit-otlp-http', available: true, spansPerRequest: SPANS_PER_REQUEST, bodyBytes: body.length, decodedSpans, spansPerSecond });
  } finally {
    server.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
