import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ident } from '@estate/projection';
import { PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions, withTransaction } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { release } from './reservations';

const SWEEP_INTERVAL_MS = 5_000;

/** Releases reservations held past their expiry, so a caller that crashed before settling does not block its budget for ever. */
@Injectable()
export class ReservationSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private readonly log: Logger;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'reservation-sweeper' });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    }, SWEEP_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  private async sweep(): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ tenant_id: string; reservation_id: string }>(
        `SELECT tenant_id, reservation_id FROM ${ident(this.options.schema)}.budget_reservations WHERE status = 'held' AND expires_at < now() ORDER BY expires_at LIMIT 100`,
      );
      for (const row of rows) {
        try {
          await withTransaction(this.pool, this.log, (client) => release(client, this.options.schema, row.tenant_id, row.reservation_id, 'expired', new Date()));
          this.log.info({ reservationId: row.reservation_id, tenantId: row.tenant_id }, 'expired reservation released');
        } catch (error) {
          // A settle that won the race leaves the reservation no longer held, which is expected.
          this.log.info({ err: error, reservationId: row.reservation_id }, 'expired reservation not released');
        }
      }
    } catch (error) {
      this.log.error({ err: error }, 'reservation sweep failed; retrying at the next interval');
    }
  }
}
