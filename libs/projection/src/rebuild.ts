import { KafkaBus } from '@estate/kafka';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { readStoredOffsets } from './bookkeeping';
import { ident, Projection } from './projection';
import { ProjectionRunner } from './runner';

export interface RebuildOptions {
  bus: KafkaBus;
  pool: Pool;
  projection: Projection;
  liveSchema: string;
  /** Creates the read-model tables in a fresh schema, with the same migrations as the live one. */
  migrate: (schema: string) => Promise<void>;
  logger: Logger;
  timeoutMs?: number;
  /** Keep the rebuilt schema for inspection instead of dropping it. */
  keepSchema?: boolean;
}

export interface TableDifference {
  table: string;
  onlyInLive: number;
  onlyInRebuild: number;
}

export interface RebuildResult {
  rebuildSchema: string;
  events: number;
  seconds: number;
  differences: TableDifference[];
  equal: boolean;
}

/**
 * Replays the projection's topics from the beginning into a fresh schema, up
 * to the offsets the live model has stored, and compares every read-model
 * table with the live one. Run it when the live projection is caught up; a
 * live model that keeps moving is compared at the offsets read at the start.
 */
export async function rebuildAndCompare(options: RebuildOptions): Promise<RebuildResult> {
  const { projection, pool, liveSchema } = options;
  const rebuildSchema = `${liveSchema}_rebuild_${Date.now()}`;
  const live = await readStoredOffsets(pool, liveSchema, projection.name);
  const stopAt = new Map(live.map((o) => [`${o.topic}:${o.partition}`, o.nextOffset]));
  const log = options.logger.child({ projection: projection.name, rebuildSchema });
  log.info({ partitions: live.length }, 'rebuild starting');

  await options.migrate(rebuildSchema);
  const started = process.hrtime.bigint();
  const runner = new ProjectionRunner({
    bus: options.bus,
    pool,
    schema: rebuildSchema,
    projection,
    logger: options.logger,
    groupId: `estate.rebuild.${projection.name}.${Date.now()}`,
    stopAt,
  });
  await runner.start();
  try {
    await waitForOffsets(pool, rebuildSchema, projection.name, stopAt, options.timeoutMs ?? 600_000);
  } finally {
    await runner.stop();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const differences = [];
  for (const table of projection.tables) {
    differences.push(await compareTable(pool, liveSchema, rebuildSchema, table.name, table.ignoreColumns ?? []));
  }
  const events = await countApplied(pool, rebuildSchema, projection.name);
  if (!options.keepSchema) await pool.query(`DROP SCHEMA ${ident(rebuildSchema)} CASCADE`);
  const equal = differences.every((d) => d.onlyInLive === 0 && d.onlyInRebuild === 0);
  log.info({ seconds, events, equal }, 'rebuild finished');
  return { rebuildSchema, events, seconds, differences, equal };
}

async function waitForOffsets(pool: Pool, schema: string, projection: string, target: Map<string, bigint>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = await readStoredOffsets(pool, schema, projection);
    const reached = new Map(stored.map((s) => [`${s.topic}:${s.partition}`, s.nextOffset]));
    const pending = [...target.entries()].filter(([key, offset]) => offset > 0n && (reached.get(key) ?? 0n) < offset);
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`rebuild timed out after ${timeoutMs} ms; partitions still behind: ${pending.map(([k]) => k).join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function compareTable(pool: Pool, liveSchema: string, rebuildSchema: string, table: string, ignore: string[]): Promise<TableDifference> {
  const columns = await pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [liveSchema, table],
  );
  const list = columns.rows.map((c) => c.column_name).filter((c) => !ignore.includes(c)).map(ident).join(', ');
  const live = `${ident(liveSchema)}.${ident(table)}`;
  const rebuilt = `${ident(rebuildSchema)}.${ident(table)}`;
  const result = await pool.query<{ only_live: string; only_rebuild: string }>(
    `SELECT
       (SELECT count(*) FROM (SELECT ${list} FROM ${live} EXCEPT ALL SELECT ${list} FROM ${rebuilt}) a) AS only_live,
       (SELECT count(*) FROM (SELECT ${list} FROM ${rebuilt} EXCEPT ALL SELECT ${list} FROM ${live}) b) AS only_rebuild`,
  );
  return { table, onlyInLive: Number(result.rows[0].only_live), onlyInRebuild: Number(result.rows[0].only_rebuild) };
}

async function countApplied(pool: Pool, schema: string, projection: string): Promise<number> {
  const result = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${ident(schema)}.projection_applied_events WHERE projection = $1`,
    [projection],
  );
  return Number(result.rows[0].n);
}
