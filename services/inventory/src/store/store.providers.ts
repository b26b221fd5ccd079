import { Injectable, OnApplicationBootstrap, OnModuleDestroy, Provider } from '@nestjs/common';
import { KafkaBus } from '@estate/kafka';
import { KAFKA_BUS, PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { EventStore } from './event-store';
import { OutboxRelay } from './outbox-relay';

/**
 * Starts the outbox relay with the app and stops it in onModuleDestroy,
 * which Nest runs before the service kit closes Kafka and Postgres.
 */
@Injectable()
export class OutboxRelayHost implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(readonly relay: OutboxRelay) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }
}

export const storeProviders: Provider[] = [
  {
    provide: OutboxRelay,
    inject: [PG_POOL, KAFKA_BUS, SERVICE_OPTIONS, SERVICE_LOGGER],
    useFactory: (pool: Pool, bus: KafkaBus, options: ServiceOptions, logger: Logger) => new OutboxRelay(pool, bus, options.schema, logger),
  },
  {
    provide: EventStore,
    inject: [PG_POOL, SERVICE_OPTIONS, OutboxRelay],
    useFactory: (pool: Pool, options: ServiceOptions, relay: OutboxRelay) => new EventStore(pool, options.schema, options.name, () => relay.kick()),
  },
  OutboxRelayHost,
];
