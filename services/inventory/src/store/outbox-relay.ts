import { assertEventFits, ContractError, encodeEvent, EventEnvelope } from '@estate/contracts';
import { KafkaBus, OutboundRecord } from '@estate/kafka';
import { ident } from '@estate/projection';
import type { Pool, PoolClient } from 'pg';
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
 * sends a batch twice; consumers skip it by event id. A row Kafka can never
 * take (over the event size limit, or failing its contract) is set aside
 * with the reason, so it does not hold back every row after it.
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
            `SELECT seq, envelope FROM ${ident(this.schema)}.outbox WHERE published_at IS NULL AND unpublishable_reason IS NULL ORDER BY seq LIMIT ${BATCH}`,
          );
          if (rows.rowCount === 0) return;
          const records: OutboundRecord[] = [];
          const sent: string[] = [];
          for (const row of rows.rows) {
            const record = await this.encodeOrSetAside(client, row.seq, row.envelope);
            if (!record) continue;
            records.push(record);
            sent.push(row.seq);
          }
          await this.bus.send(records);
          await client.query(`UPDATE ${ident(this.schema)}.outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`, [sent]);
          if (rows.rowCount! < BATCH) return;
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.lockKey]);
      }
    } finally {
      client.release();
    }
  }

  /** Encodes the row's event, or records why Kafka can never take it and returns undefined. */
  private async encodeOrSetAside(client: PoolClient, seq: string, envelope: EventEnvelope): Promise<OutboundRecord | undefined> {
    try {
      const record = encodeEvent(envelope);
      assertEventFits(envelope, record.value);
      return record;
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      await client.query(`UPDATE ${ident(this.schema)}.outbox SET unpublishable_reason = $2 WHERE seq = $1`, [seq, `${error.code}: ${error.message}`]);
      this.logger.error({ err: error, schema: this.schema, seq, eventId: envelope.eventId, type: envelope.type }, 'outbox row set aside: Kafka cannot take this event');
      return undefined;
    }
  }
}
