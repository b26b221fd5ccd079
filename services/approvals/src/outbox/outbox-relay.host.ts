import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EventPublisher } from '@estate/kafka';
import { EVENT_PUBLISHER, PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { approvalsSettingsFrom } from '../config';
import { OutboxRelay } from './outbox';

/** Runs the outbox relay: at once after each command, and on an interval for rows a crash left behind. */
@Injectable()
export class OutboxRelayHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly relay: OutboxRelay;
  private timer?: NodeJS.Timeout;
  private readonly intervalMs: number;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(EVENT_PUBLISHER) publisher: EventPublisher,
    @Inject(SERVICE_OPTIONS) options: ServiceOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.relay = new OutboxRelay(pool, options.schema, publisher, logger);
    this.intervalMs = approvalsSettingsFrom(options.config as unknown as Record<string, unknown>).relayIntervalMs;
  }

  kick(): Promise<void> {
    return this.relay.kick();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relay.kick(), this.intervalMs);
    this.logger.info({ intervalMs: this.intervalMs }, 'outbox relay started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.relay.kick();
    this.logger.info('outbox relay stopped');
  }
}
