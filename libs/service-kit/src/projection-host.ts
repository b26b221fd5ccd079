import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { KafkaBus } from '@estate/kafka';
import { Projection, ProjectionRunner } from '@estate/projection';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { ServiceOptions } from './service-options';
import { KAFKA_BUS, PG_POOL, PROJECTIONS, SERVICE_LOGGER, SERVICE_OPTIONS } from './tokens';

/**
 * Starts the service's projections after the app is up and stops them first on
 * shutdown, so the batch in flight commits before Kafka and Postgres close.
 */
@Injectable()
export class ProjectionHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly runners: ProjectionRunner[] = [];

  constructor(
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    @Inject(KAFKA_BUS) private readonly bus: KafkaBus,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const projection of this.projections) {
      const runner = new ProjectionRunner({
        bus: this.bus,
        pool: this.pool,
        schema: this.options.schema,
        projection,
        logger: this.logger,
        groupId: `${this.options.consumerGroupPrefix ?? `estate.${this.options.name}`}.${projection.name}`,
      });
      await runner.start();
      this.runners.push(runner);
    }
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'shutting down: stopping projections');
    await Promise.all(this.runners.map((r) => r.stop()));
    await this.bus.close();
    this.logger.info('kafka connections closed');
    await this.pool.end();
    this.logger.info('postgres pool closed');
  }
}
