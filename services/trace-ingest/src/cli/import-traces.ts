/**
 * Backfills trace files into Estate through `POST /v1/traces/import`.
 * OTLP/JSON lines files are sent in chunks of at most --lines lines and
 * --max-bytes bytes, so each request stays under the service's body limit.
 * Other files (one JSON document) are sent whole. Stops at the first
 * rejected request and prints what was sent.
 *
 * Usage: ts-node services/trace-ingest/src/cli/import-traces.ts --url http://127.0.0.1:3004 --key <ingest key> [--lines 200] [--max-bytes 4194304] FILE...
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { requestBodies } from './import-chunks';

interface ImportResult {
  format: string;
  acceptedSpans: number;
  rejectedSpans: number;
  errorMessage?: string;
}

const USAGE = 'usage: import-traces --url <trace-ingest base URL, such as http://127.0.0.1:3004> --key <ingest API key> [--lines 200] [--max-bytes 4194304] FILE...';
/** Half the service's default body limit (OTLP_MAX_BODY_BYTES, 8 MiB). */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

async function post(url: string, key: string, body: string, contentType: string): Promise<ImportResult> {
  const target = `${url.replace(/\/$/, '')}/v1/traces/import`;
  let response: Response;
  try {
    response = await fetch(target, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`could not reach ${target}: ${cause?.code ?? cause?.message ?? (error as Error).message}. Check --url and that trace-ingest is running`);
  }
  const text = await response.text();
  if (response.status === 413) throw new Error(`import failed with HTTP 413: ${text}. Lower --max-bytes or --lines so each request fits the service's limit`);
  if (!response.ok) throw new Error(`import failed with HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as ImportResult;
}

function readTraceFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`cannot read ${file}: no such file`);
    if (code === 'EISDIR') throw new Error(`cannot read ${file}: it is a directory; name the files in it`);
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      lines: { type: 'string', default: '200' },
      'max-bytes': { type: 'string', default: String(DEFAULT_MAX_BYTES) },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\nSends OTLP/JSON lines files in chunks of at most --lines lines and --max-bytes bytes, and other trace files whole, to POST /v1/traces/import.\n`);
    return;
  }
  const { url, key } = values;
  if (!url || !key || positionals.length === 0) {
    const missing = [!url && '--url', !key && '--key', positionals.length === 0 && 'at least one FILE'].filter(Boolean);
    throw new Error(`missing ${missing.join(', ')}\n${USAGE}`);
  }
  if (!/^https?:\/\//.test(url)) throw new Error(`--url must start with http:// or https://, got ${url}`);
  const linesPerChunk = Number(values.lines);
  if (!Number.isInteger(linesPerChunk) || linesPerChunk < 1) throw new Error(`--lines must be a positive integer, got ${values.lines}`);
  const maxBytes = Number(values['max-bytes']);
  if (!Number.isInteger(maxBytes) || maxBytes < 1024) throw new Error(`--max-bytes must be an integer of at least 1024, got ${values['max-bytes']}`);

  for (const file of positionals) {
    const text = readTraceFile(file);
    const parts = requestBodies(file, text, linesPerChunk, maxBytes);
    let accepted = 0;
    let rejected = 0;
    for (const [index, part] of parts.entries()) {
      const result = await post(url, key, part.body, part.type).catch((error: Error) => {
        throw new Error(`${file} part ${index + 1} of ${parts.length}: ${error.message}`);
      });
      accepted += result.acceptedSpans;
      rejected += result.rejectedSpans;
      if (result.errorMessage) process.stderr.write(`${file} part ${index + 1}: ${result.errorMessage}\n`);
    }
    process.stdout.write(`${file}: ${accepted} spans accepted, ${rejected} rejected in ${parts.length} request(s)\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
