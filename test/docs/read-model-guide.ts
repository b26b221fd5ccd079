import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MigrationClass, runMigrations } from '@estate/service-kit';
import { Pool } from 'pg';
import { migrations as approvals } from '../../services/approvals/src/migrations';
import { migrations as costLedger } from '../../services/cost-ledger/src/migrations';
import { migrations as inventory } from '../../services/inventory/src/migrations';
import { migrations as policy } from '../../services/policy/src/migrations';
import { migrations as reporting } from '../../services/reporting/src/migrations';
import { migrations as traceIngest } from '../../services/trace-ingest/src/migrations';

export const GUIDE_PATH = path.join(__dirname, '..', '..', 'docs', 'read-models.md');

/** The section of the guide that documents tables every service's schema contains. */
export const COMMON_SECTION = 'every service';

export const SERVICE_MIGRATIONS: Record<string, MigrationClass[]> = {
  inventory,
  policy,
  approvals,
  'trace-ingest': traceIngest,
  'cost-ledger': costLedger,
  reporting,
};

/** Columns by table. */
export type Tables = Map<string, Set<string>>;

/**
 * Reads the guide's tables and columns by section. A section starts at a
 * level-2 heading that names the service (or "Every service"). A table
 * starts at a level-3 heading that names it in backticks. A column is a
 * Markdown table row whose first cell is a name in backticks.
 */
export function parseGuide(text: string): Map<string, Tables> {
  const sections = new Map<string, Tables>();
  let section: Tables | undefined;
  let table: Set<string> | undefined;
  for (const line of text.split('\n')) {
    const heading2 = /^## (.+?)\s*(?:\(|$)/.exec(line);
    if (heading2) {
      section = new Map();
      sections.set(heading2[1].trim().toLowerCase(), section);
      table = undefined;
      continue;
    }
    const heading3 = /^### `([a-z0-9_]+)`/.exec(line);
    if (heading3 && section) {
      table = new Set();
      section.set(heading3[1], table);
      continue;
    }
    const row = /^\|\s*`([a-z0-9_]+)`\s*\|/.exec(line);
    if (row && table) table.add(row[1]);
  }
  return sections;
}

export function readGuide(): Map<string, Tables> {
  return parseGuide(readFileSync(GUIDE_PATH, 'utf8'));
}

/** Applies a service's migrations to `schema` and returns its tables and columns as Postgres stores them. */
export async function migratedTables(databaseUrl: string, pool: Pool, schema: string, migrations: MigrationClass[]): Promise<Tables> {
  await runMigrations(databaseUrl, schema, migrations);
  const { rows } = await pool.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  );
  const tables: Tables = new Map();
  for (const r of rows) tables.set(r.table_name, (tables.get(r.table_name) ?? new Set()).add(r.column_name));
  return tables;
}

/** Lists `table.column` names present in `a` and missing from `b`, and whole tables as `table.*`. */
export function missingFrom(a: Tables, b: Tables): string[] {
  const missing: string[] = [];
  for (const [table, columns] of a) {
    const other = b.get(table);
    if (!other) {
      missing.push(`${table}.*`);
      continue;
    }
    for (const column of columns) if (!other.has(column)) missing.push(`${table}.${column}`);
  }
  return missing.sort();
}
