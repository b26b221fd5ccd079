import { encodeEvent, EventEnvelope } from '@estate/contracts';
import { EventPublisher } from '@estate/kafka';
import { ident } from '@estate/projection';
import { requireEventsFit } from '@estate/service-kit';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';

/** Writes events in the caller's transaction; validated (contract and size) here so a bad event fails the command, not the relay. */
export async function appendToOutbox(client: PoolClient, schema: string, events: Array<{ aggregateId: string; version: number; envelope: EventEnvelope }>): Promise<void> {
  if (events.length === 0) return;
  for (const event of events) encodeEvent(event.envelope);
  const json = events.map((e) => JSON.stringify(e.envelope));
  requireEventsFit(events.map((e) => e.envelope), json);
  await client.query(
    `INSERT INTO ${ident(schema)}.outbox (tenant_id, aggregate_id, version, envelope)
     SELECT t.tenant, t.aggregate, t.version, t.envelope
       FROM unnest($1::text[], $2::text[], $3::int[], $4::jsonb[]) AS t(tenant, aggregate, version, envelope)`,
    [
      events.map((e) => e.envelope.tenantId),
      events.map((e) => e.aggregateId),
      events.map((e) => e.version),
      json,
    ],
  );
}

const BATCH = 200;

/**
 * Publishes committed outbox rows in sequence order and marks them sent.
 * An advisory lock keeps one relay per schema across replicas. Rows of one
 * aggregate are written under that aggregate's row lock, so their sequence
 * order is their version order. A crash between publish and mark repeats
 * the publish: consumers see the event id twice and ignore the second.
 */
export class OutboxRelay {
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly publisher: EventPublisher,
    private readonly logger: Logger,
  ) {}

  /** Starts a relay pass now, or one more after the pass in progress. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
    return this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.pass()) === BATCH);
      } catch (error) {
        this.logger.error({ err: error, schema: this.schema }, 'outbox relay pass failed; the next sweep retries');
        return;
      }
    } while (this.again);
  }

  private async pass(): Promise<number> {
    const s = ident(this.schema);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const lock = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [`${this.schema}.outbox`]);
      if (!lock.rows[0].locked) {
        await client.query('ROLLBACK');
        return 0;
      }
      const { rows } = await client.query<{ seq: string; envelope: EventEnvelope }>(
        `SELECT seq, envelope FROM ${s}.outbox WHERE published_at IS NULL ORDER BY seq LIMIT ${BATCH}`,
      );
      if (rows.length > 0) {
        await this.publisher.publish(rows.map((r) => r.envelope));
        await client.query(`UPDATE ${s}.outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      }
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
