import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessProjection, ApiKeyStore } from '@estate/access';
import { EventPublisher, KafkaBus } from '@estate/kafka';
import { Pool } from 'pg';
import { ApiKeyGuard } from './auth';
import { HealthController } from './health.controller';
import { ProjectionHost } from './projection-host';
import { ServiceOptions } from './service-options';
import { API_KEY_STORE, EVENT_PUBLISHER, KAFKA_BUS, PG_POOL, PROJECTIONS, SERVICE_LOGGER, SERVICE_OPTIONS } from './tokens';

/**
 * What every service shares: Postgres pool, Kafka bus and publisher, the
 * API-key guard on every route, health and metrics, and the projections it
 * runs. Services import it once with their own options.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceOptions): DynamicModule {
    const pool = new Pool({ connectionString: options.config.DATABASE_URL, max: options.config.DB_POOL_SIZE });
    pool.on('error', (error) => options.logger.error({ err: error }, 'idle postgres client failed'));
    const bus = new KafkaBus({ clientId: `estate-${options.name}`, brokers: options.config.KAFKA_BROKERS }, options.logger);
    return {
      module: ServiceKitModule,
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_OPTIONS, useValue: options },
        { provide: SERVICE_LOGGER, useValue: options.logger },
        { provide: PG_POOL, useValue: pool },
        { provide: KAFKA_BUS, useValue: bus },
        { provide: EVENT_PUBLISHER, useValue: new EventPublisher(bus) },
        { provide: API_KEY_STORE, useValue: new ApiKeyStore(pool, options.schema) },
        { provide: PROJECTIONS, useValue: [new AccessProjection(), ...(options.projections ?? [])] },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        ProjectionHost,
      ],
      exports: [SERVICE_OPTIONS, SERVICE_LOGGER, PG_POOL, KAFKA_BUS, EVENT_PUBLISHER, API_KEY_STORE],
    };
  }
}
