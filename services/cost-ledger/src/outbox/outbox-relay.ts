import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventEnvelope } from '@estate/contracts';
import { EventPublisher } from '@estate/kafka';
import { ident } from '@estate/projection';
import { EVENT_PUBLISHER, PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';

const BATCH_SIZE = 500;
const IDLE_DELAY_MS = 200;

/**
 * Publishes outbox rows to Kafka in sequence order and deletes them in the
 * same transaction that locked them. Delivery is at least once: a crash
 * between Kafka's ack and the commit publishes those events again with the
 * same event ids, which consumers skip. SKIP LOCKED lets replicas share the
 * outbox without publishing a row twice in normal operation.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop?: Promise<void>;
  private readonly log: Logger;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'outbox-relay' });
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
    this.log.info('outbox relay started');
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    await this.loop;
    this.log.info('outbox relay stopped');
  }

  private async run(): Promise<void> {
    while (this.running) {
      let published = 0;
      try {
        published = await this.publishBatch();
      } catch (error) {
        this.log.error({ err: error }, 'outbox batch failed; retrying');
      }
      if (published < BATCH_SIZE) await new Promise((resolve) => setTimeout(resolve, IDLE_DELAY_MS));
    }
  }

  /** Returns the number of events published. */
  async publishBatch(): Promise<number> {
    const s = ident(this.options.schema);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ seq: string; envelope: EventEnvelope }>(
        `SELECT seq, envelope FROM ${s}.outbox ORDER BY seq LIMIT ${BATCH_SIZE} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length > 0) {
        await this.publisher.publish(rows.map((r) => r.envelope));
        await client.query(`DELETE FROM ${s}.outbox WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      }
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => this.log.error({ err: rollbackError }, 'outbox rollback failed'));
      throw error;
    } finally {
      client.release();
    }
  }
}
