import { randomUUID } from 'node:crypto';
import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { collectDefaultMetrics, register } from 'prom-client';
import { ErrorFilter } from './error.filter';
import { runMigrations } from './migrations';
import { PinoNestLogger } from './nest-logger';
import { ServiceOptions } from './service-options';
import { createValidationPipe } from './validation.pipe';

const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Migrates the service schema, then starts the Nest app on Fastify with the
 * shared error shape, validation, OpenAPI at /openapi.json and /docs, and
 * graceful shutdown on SIGTERM and SIGINT.
 */
export async function startService(options: ServiceOptions, appModule: DynamicModule): Promise<NestFastifyApplication> {
  const { logger, config } = options;
  logger.info({ httpPort: config.HTTP_PORT }, 'service starting');
  // Once per process: a second registration throws, and tests run several services in one process.
  if (!register.getSingleMetric('estate_process_cpu_user_seconds_total')) collectDefaultMetrics({ prefix: 'estate_' });

  const applied = await runMigrations(config.DATABASE_URL, options.schema, options.migrations);
  logger.info({ schema: options.schema, applied }, 'migrations up to date');

  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  // Fastify numbers requests from 1 in each process, so cluster workers and restarts would repeat the ids that 500 responses ask users to report.
  const adapter = new FastifyAdapter({ bodyLimit, logger: false, genReqId: () => randomUUID() });
  const app = await NestFactory.create<NestFastifyApplication>(appModule, adapter, { logger: new PinoNestLogger(logger) });
  app.useGlobalFilters(new ErrorFilter(logger, bodyLimit));
  app.useGlobalPipes(createValidationPipe());
  rejectBodiesNotJson(app);
  rejectNulInUrls(app);
  setupOpenApi(app, options.name);
  app.enableShutdownHooks();
  if (options.grpc) {
    if (config.GRPC_PORT === undefined) throw new Error(`${options.name} serves gRPC but its config has no GRPC_PORT`);
    app.connectMicroservice<MicroserviceOptions>({
      transport: Transport.GRPC,
      options: { url: `0.0.0.0:${config.GRPC_PORT}`, package: options.grpc.packages, protoPath: options.grpc.protoPaths, loader: { keepCase: true, longs: String } },
    });
    await app.startAllMicroservices();
  }
  await app.listen(config.HTTP_PORT, '0.0.0.0');
  logger.info({ httpPort: config.HTTP_PORT }, 'service listening');
  return app;
}

/**
 * Postgres text cannot contain byte 0, so a path or query value with `%00`
 * would fail deep in a query with a 500. It gets a 400 before routing.
 */
function rejectNulInUrls(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
      if (!/%00/.test(request.url)) return;
      await reply.status(400).header('content-type', 'application/json').send({
        code: 'invalid_argument',
        message: 'the URL contains an encoded NUL byte (%00), which no Estate value may contain; remove it from the path and query',
        field: 'url',
        retryable: false,
      });
    });
}

/**
 * Nest's Fastify adapter parses HTML form bodies. Every Estate API takes JSON,
 * so a form body gets the same 415 as any other body that is not JSON. So
 * does a compressed body: the APIs do not decompress (the OTLP port does).
 */
function rejectBodiesNotJson(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
      const encoding = request.headers['content-encoding']?.toLowerCase().trim();
      if (encoding && encoding !== 'identity') {
        await reply.status(415).header('content-type', 'application/json').send({
          code: 'unsupported_media_type',
          message: `content-encoding "${encoding}" is not supported on this API; send the JSON body uncompressed`,
          field: 'content-encoding',
          retryable: false,
        });
        return;
      }
      if (!request.headers['content-type']?.toLowerCase().startsWith('application/x-www-form-urlencoded')) return;
      await reply.status(415).header('content-type', 'application/json').send({
        code: 'unsupported_media_type',
        message: 'Unsupported Media Type: application/x-www-form-urlencoded; send the body as JSON with content-type: application/json',
        retryable: false,
      });
    });
}

function setupOpenApi(app: INestApplication, name: string): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(`Estate ${name}`).setVersion('1').addBearerAuth().build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
}

/** Runs `start` and exits with status 1 and one logged error if it fails. */
export function main(options: Pick<ServiceOptions, 'logger' | 'name'>, start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    options.logger.fatal({ err: error, service: options.name }, 'service failed to start');
    process.exit(1);
  });
}
