import { hash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SpanRow } from './span-rows';

/**
 * Incoming span rows reach Postgres through COPY into a session-local
 * staging table, which Postgres parses with less work than one jsonb
 * parameter split by `jsonb_to_record`. The columns have the names and types of
 * a span row as JSON (`start_ns` and `end_ns` stay text). Two more columns
 * are computed here, where they cost far less than in SQL: the number of
 * context keys and the content hash (md5 of the row's COPY text). The
 * projection uses both to choose among deliveries of one span.
 */
export const STAGING_TABLE = 'pg_temp.trace_span_staging';

const STAGED_COLUMNS: Array<[keyof SpanRow, 'text' | 'jsonb']> = [
  ['tenant_id', 'text'], ['trace_id', 'text'], ['span_id', 'text'], ['parent_span_id', 'text'], ['name', 'text'],
  ['step', 'text'], ['start_ns', 'text'], ['end_ns', 'text'], ['status', 'text'], ['status_message', 'text'],
  ['service', 'text'], ['environment', 'text'], ['workflow', 'text'], ['agent', 'text'], ['tool', 'text'],
  ['model', 'text'], ['provider', 'text'], ['context', 'jsonb'], ['usage', 'jsonb'], ['reported_cost', 'jsonb'],
  ['attributes', 'jsonb'], ['resource', 'jsonb'], ['events', 'jsonb'], ['scope', 'text'], ['source', 'text'],
];
const COMPUTED_COLUMNS = 'context_keys integer, content_hash text';

const STAGING_COLUMNS_SQL = `${STAGED_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')}, ${COMPUTED_COLUMNS}`;

/**
 * Copies the rows into the staging table, creating it when the session does
 * not have it. The upsert that reads the rows also deletes them, and
 * `ON COMMIT DELETE ROWS` empties the table at commit without the file
 * rewrite of a TRUNCATE (autovacuum never visits temporary tables, so
 * nothing else would clear dead rows). A rolled-back batch takes its
 * staged rows with it, and also the table when this batch created it, so
 * the check runs on every batch rather than once per connection.
 */
export async function stageSpanRows(client: PoolClient, rows: SpanRow[]): Promise<void> {
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS trace_span_staging (${STAGING_COLUMNS_SQL}) ON COMMIT DELETE ROWS`);
  const stream = client.query(copyFrom(`COPY ${STAGING_TABLE} FROM STDIN`));
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
    stream.end(copyText(rows));
  });
}

/** Rows in COPY text format: tab-separated, `\N` for null. */
export function copyText(rows: SpanRow[]): string {
  const lines: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const fields: string[] = new Array(STAGED_COLUMNS.length);
    for (let c = 0; c < STAGED_COLUMNS.length; c++) {
      const [name, type] = STAGED_COLUMNS[c];
      const value = row[name];
      fields[c] = value === null || value === undefined ? '\\N' : copyField(type === 'jsonb' ? jsonText(value) : String(value));
    }
    const line = fields.join('\t');
    lines[i] = `${line}\t${contextKeys(row.context)}\t${hash('md5', line)}`;
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Keys of the context as jsonb stores it: JSON drops keys whose value is undefined. */
function contextKeys(context: unknown): number {
  if (context === null || typeof context !== 'object') return 0;
  let count = 0;
  for (const value of Object.values(context)) if (value !== undefined) count += 1;
  return count;
}

/**
 * Postgres text and jsonb cannot hold U+0000, which OTLP strings may
 * contain: a raw NUL becomes U+FFFD, and so does an escaped one in JSON (an
 * escaped backslash before `u0000` is left alone).
 */
function jsonText(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\u0000') ? json.replace(/(^|[^\\])((?:\\\\)*)\\u0000/g, '$1$2\\ufffd') : json;
}

const COPY_SPECIAL = /[\\\t\n\r\u0000]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u0000': '\ufffd' };

function copyField(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r\u0000]/g, (ch) => COPY_ESCAPES[ch]) : text;
}
