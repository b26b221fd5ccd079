import { ident } from '@estate/projection';
import type { PoolClient } from 'pg';

/** A column of a fact table: its name and the Postgres type rows are cast to. */
export type ColumnSpec = readonly [name: string, type: string];

export interface UpsertSpec {
  table: string;
  columns: readonly ColumnSpec[];
  key: readonly string[];
  /** Columns left unchanged on conflict; by default every non-key column is replaced. */
  keep?: readonly string[];
  /** SQL over `t` (the stored row) and `excluded` that must hold for a conflicting row to replace it. */
  replaceWhen?: string;
  /** Per-column SQL for the update, replacing `excluded.<column>`, such as a COALESCE with the stored value. */
  merge?: Readonly<Record<string, string>>;
}

/**
 * Writes rows with one statement: the rows travel as a single JSON array and
 * are expanded by `jsonb_to_recordset`. Callers pass at most one row per key,
 * because Postgres rejects a statement that updates the same row twice.
 */
export async function upsertRows(client: PoolClient, schema: string, spec: UpsertSpec, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const names = spec.columns.map(([name]) => name);
  const recordType = spec.columns.map(([name, type]) => `${name} ${type}`).join(', ');
  const table = `${ident(schema)}.${spec.table}`;
  const updated = names.filter((n) => !spec.key.includes(n) && !spec.keep?.includes(n));
  const onConflict =
    updated.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${updated.map((n) => `${n} = ${spec.merge?.[n] ?? `excluded.${n}`}`).join(', ')}${spec.replaceWhen ? ` WHERE ${spec.replaceWhen}` : ''}`;
  await client.query(
    `INSERT INTO ${table} AS t (${names.join(', ')})
     SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${recordType})
     ON CONFLICT (${spec.key.join(', ')}) ${onConflict}`,
    [JSON.stringify(rows)],
  );
}

/** Inserts rows whose key may already be stored, leaving stored rows as they are. */
export function insertNew(client: PoolClient, schema: string, table: string, columns: readonly ColumnSpec[], key: readonly string[], rows: readonly object[]) {
  return upsertRows(client, schema, { table, columns, key, keep: columns.map(([n]) => n) }, rows);
}

/** Keeps one row per key: the last one for which `wins(candidate, kept)` holds, in input order. */
export function onePerKey<T>(rows: readonly T[], keyOf: (row: T) => string, wins: (candidate: T, kept: T) => boolean = () => true): T[] {
  const kept = new Map<string, T>();
  for (const row of rows) {
    const key = keyOf(row);
    const current = kept.get(key);
    if (!current || wins(row, current)) kept.set(key, row);
  }
  return [...kept.values()];
}
