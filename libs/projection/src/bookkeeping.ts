import type { PoolClient } from 'pg';
import { ident } from './projection';

/**
 * DDL for the runtime's own tables in a service schema: the consumed offsets
 * (authoritative; Kafka's group offsets are informational) and the ids of
 * applied events. Migrations call this so the tables share the schema's
 * lifecycle.
 */
export function projectionBookkeepingDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.projection_offsets (
       projection text NOT NULL,
       topic text NOT NULL,
       partition integer NOT NULL,
       next_offset bigint NOT NULL,
       updated_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (projection, topic, partition))`,
    `CREATE TABLE IF NOT EXISTS ${s}.projection_applied_events (
       projection text NOT NULL,
       event_id uuid NOT NULL,
       PRIMARY KEY (projection, event_id))`,
  ];
}

export interface StoredOffset {
  topic: string;
  partition: number;
  nextOffset: bigint;
}

export async function readStoredOffsets(client: Pick<PoolClient, 'query'>, schema: string, projection: string): Promise<StoredOffset[]> {
  const result = await client.query<{ topic: string; partition: number; next_offset: string }>(
    `SELECT topic, partition, next_offset FROM ${ident(schema)}.projection_offsets WHERE projection = $1`,
    [projection],
  );
  return result.rows.map((r) => ({ topic: r.topic, partition: r.partition, nextOffset: BigInt(r.next_offset) }));
}

/** Locks the partition's offset row for this transaction and returns the next offset to apply. */
export async function lockNextOffset(client: PoolClient, schema: string, projection: string, topic: string, partition: number): Promise<bigint> {
  // The no-op update takes the row lock and returns the stored value in one round trip.
  const result = await client.query<{ next_offset: string }>(
    `INSERT INTO ${ident(schema)}.projection_offsets AS o (projection, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
     ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = o.next_offset
     RETURNING next_offset`,
    [projection, topic, partition],
  );
  return BigInt(result.rows[0].next_offset);
}

export async function storeNextOffset(client: PoolClient, schema: string, projection: string, topic: string, partition: number, next: bigint): Promise<void> {
  await client.query(
    `UPDATE ${ident(schema)}.projection_offsets SET next_offset = $4, updated_at = now()
     WHERE projection = $1 AND topic = $2 AND partition = $3`,
    [projection, topic, partition, next.toString()],
  );
}

/** Records event ids as applied and returns the ids that were new. */
export async function claimEventIds(client: PoolClient, schema: string, projection: string, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const result = await client.query<{ event_id: string }>(
    `INSERT INTO ${ident(schema)}.projection_applied_events (projection, event_id)
     SELECT $1, id FROM unnest($2::uuid[]) AS id
     ON CONFLICT DO NOTHING RETURNING event_id`,
    [projection, eventIds],
  );
  return new Set(result.rows.map((r) => r.event_id));
}

export async function releaseEventId(client: PoolClient, schema: string, projection: string, eventId: string): Promise<void> {
  await client.query(`DELETE FROM ${ident(schema)}.projection_applied_events WHERE projection = $1 AND event_id = $2`, [projection, eventId]);
}

/** Moves a stored offset back, only if it is still past `offset`, so a concurrent batch commit is not undone. */
export async function resetStoredOffset(client: Pick<PoolClient, 'query'>, schema: string, projection: string, topic: string, partition: number, offset: bigint): Promise<void> {
  await client.query(
    `UPDATE ${ident(schema)}.projection_offsets SET next_offset = $4, updated_at = now()
     WHERE projection = $1 AND topic = $2 AND partition = $3 AND next_offset > $4`,
    [projection, topic, partition, offset.toString()],
  );
}
