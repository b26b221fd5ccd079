import { encodeEvent, EventEnvelope } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { ident } from '@estate/projection';
import type { Pool } from 'pg';
import type { Logger } from 'pino';

const BATCH = 500;

/**
 * Appends outbox rows to Kafka and marks them published. Only one relay per
 * schema runs at a time (a session advisory lock), and it selects every
 * unpublished row rather than "everything above the last sequence number",
 * so a transaction that took a lower sequence number but committed later is
 * still sent. Per aggregate the order is the version order: version n+1 can
 * only be written after version n committed, so n is visible first and has
 * the lower sequence number. A crash between the Kafka ack and the UPDATE
 * sends a batch twice; consumers skip it by event id.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly lockKey: string;

  constructor(
    private readonly pool: Pool,
    private readonly bus: KafkaBus,
    private readonly schema: string,
    private readonly logger: Logger,
    private readonly pollMs = 250,
  ) {
    this.lockKey = `${schema}.outbox`;
  }

  start(): void {
    this.logger.info({ schema: this.schema }, 'outbox relay starting');
    this.timer = setInterval(() => this.kick(), this.pollMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 20));
    this.logger.info({ schema: this.schema }, 'outbox relay stopped');
  }

  /** Runs a relay pass now, or right after the one in flight. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain()
      .catch((error: unknown) => this.logger.error({ err: error, schema: this.schema }, 'outbox relay pass failed; retrying on the next poll'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    const client = await this.pool.connect();
    try {
      const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [this.lockKey]);
      if (!locked.rows[0].ok) return;
      try {
        for (;;) {
          const rows = await client.query<{ seq: string; envelope: EventEnvelope }>(
            `SELECT seq, envelope FROM ${ident(this.schema)}.outbox WHERE published_at IS NULL ORDER BY seq LIMIT ${BATCH}`,
          );
          if (rows.rowCount === 0) return;
          await this.bus.send(rows.rows.map((r) => encodeEvent(r.envelope)));
          await client.query(`UPDATE ${ident(this.schema)}.outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`, [rows.rows.map((r) => r.seq)]);
          if (rows.rowCount! < BATCH) return;
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.lockKey]);
      }
    } finally {
      client.release();
    }
  }
}
