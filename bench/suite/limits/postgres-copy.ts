/**
 * `COPY` of canonical spans into a table of the span read model's shape,
 * through psql: the fastest way Postgres on this machine takes these rows,
 * which the projection's rate is divided by. Each round copies into a fresh
 * schema, so the indexes start empty as they do for a rebuild.
 * Sizes: COPY_SPANS (default 40000), BENCH_ROUNDS (default 3).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ident } from '@estate/projection';
import { Pool } from 'pg';
import { printBenchResult, sizeFromEnv } from '../bench-result';
import { databaseUrl, uniqueSuffix } from '../environment';
import { repeat } from '../repeat';
import { canonicalSpans, SPANS_PER_TRACE } from '../span-fixtures';
import { SPAN_COPY_COLUMNS, spanTableDdl } from '../span-table';

const run = promisify(execFile);
const SPANS = sizeFromEnv('COPY_SPANS', 40_000);
const ROUNDS = sizeFromEnv('BENCH_ROUNDS', 3);

function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${text.replace(/"/g, '""')}"`;
}

/** Writes the CSV once, so each round times Postgres and not row generation. */
function writeCsv(path: string): void {
  const lines: string[] = [];
  for (let t = 0; t < SPANS / SPANS_PER_TRACE; t++) {
    const traceId = createHash('md5').update(`trace-${t}`).digest('hex');
    for (const span of canonicalSpans(traceId, 1_700_000_000_000_000_000n + BigInt(t) * 1_000_000n)) {
      const row = [
        'tenant-bench', span.traceId, span.spanId, span.parentSpanId, span.name, span.step, span.startTimeUnixNano,
        span.endTimeUnixNano, span.status, span.context.service, span.context.environment, span.context.workflow,
        span.context.agent, span.context.tool, span.context.modelRequested, span.context.provider, span.context,
        span.usage, span.attributes, span.resource, span.scope, 'otlp-http-protobuf',
        createHash('sha256').update(JSON.stringify(span)).digest('hex'),
      ];
      lines.push(row.map(csvField).join(','));
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'estate-bench-copy-'));
  const csv = join(directory, 'spans.csv');
  writeCsv(csv);
  const url = databaseUrl();
  const pool = new Pool({ connectionString: url, max: 1 });
  let source = 'representative';
  try {
    const perSecond = await repeat('COPY spans/s', ROUNDS, async () => {
      const schema = `bench_copy_${uniqueSuffix()}`;
      const ddl = spanTableDdl(schema);
      source = ddl.source;
      await pool.query(`CREATE SCHEMA ${ident(schema)}`);
      for (const statement of ddl.statements) await pool.query(statement);
      try {
        const copy = `\\copy ${ident(schema)}.spans (${SPAN_COPY_COLUMNS.join(', ')}) FROM '${csv}' WITH (FORMAT csv)`;
        const started = process.hrtime.bigint();
        await run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', copy], { timeout: 300_000 });
        return SPANS / (Number(process.hrtime.bigint() - started) / 1e9);
      } finally {
        await pool.query(`DROP SCHEMA ${ident(schema)} CASCADE`);
      }
    });
    printBenchResult({ name: 'limit-postgres-copy', spans: SPANS, tableShape: source, perSecond });
  } finally {
    await pool.end();
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
