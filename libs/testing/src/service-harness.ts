import { DynamicModule } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommonConfig, ServiceOptions, startService } from '@estate/service-kit';
import { createLogger } from '@estate/telemetry';
import { freshSchemaName } from './fresh';
import { testInfrastructure } from './infrastructure';

export interface RunningService {
  app: NestFastifyApplication;
  baseUrl: string;
  options: ServiceOptions;
  stop(): Promise<void>;
}

/**
 * Starts a real service in this process on a free HTTP port, in a fresh
 * Postgres schema and with its own consumer groups, so tests never share
 * state with each other or with a running local stack.
 */
export async function startServiceForTest(
  name: string,
  base: Omit<ServiceOptions, 'config' | 'logger' | 'schema' | 'name'> & {
    config?: Partial<CommonConfig>;
    /** An existing schema, for a second process of the same service; a fresh one by default. */
    schema?: string;
  },
  moduleFor: (options: ServiceOptions) => DynamicModule,
): Promise<RunningService> {
  const infra = testInfrastructure();
  const schema = base.schema ?? freshSchemaName(name.replace(/-/g, '_'));
  const config: CommonConfig = {
    HTTP_PORT: 0,
    KAFKA_BROKERS: infra.kafkaBrokers,
    DATABASE_URL: infra.databaseUrl,
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: 5,
    SHUTDOWN_TIMEOUT_MS: 10000,
    ...base.config,
  };
  const options: ServiceOptions = {
    ...base,
    name,
    schema,
    config,
    logger: createLogger(name, config.LOG_LEVEL),
    consumerGroupPrefix: `test.${schema}`,
  };
  const app = await startService(options, moduleFor(options));
  const address = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${address.port}`, options, stop: () => app.close() };
}
