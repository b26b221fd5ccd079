import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import type { ApiKeyStore } from '@estate/access';
import type { MessageBus } from '@estate/kafka';
import { API_KEY_STORE, KAFKA_BUS, SERVICE_LOGGER } from '@estate/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { SpanIngestor } from '../ingest/span-ingestor';
import { addTraceQueryService } from '../query/trace-query-grpc';
import { TraceQueries } from '../query/trace-queries';
import { TraceIngestSettings } from '../settings';
import { bindGrpcServer, createOtlpGrpcServer } from './grpc-receiver';
import { createOtlpHttpServer } from './http-receiver';

export const TRACE_INGEST_SETTINGS = Symbol('TRACE_INGEST_SETTINGS');
export const SPAN_INGESTOR = Symbol('SPAN_INGESTOR');

/**
 * Runs the OTLP/HTTP and OTLP/gRPC listeners inside the service process,
 * beside the REST API; the gRPC port also serves the TraceQuery API. They start after the app (so Kafka and the API-key
 * store are ready) and stop before the projections and connections close.
 */
@Injectable()
export class OtlpReceivers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private http?: FastifyInstance;
  private grpc?: GrpcServer;
  /** Bound ports; differ from the settings when those are 0. */
  httpPort = 0;
  grpcPort = 0;

  constructor(
    @Inject(TRACE_INGEST_SETTINGS) private readonly settings: TraceIngestSettings,
    @Inject(SPAN_INGESTOR) private readonly ingestor: SpanIngestor,
    @Inject(API_KEY_STORE) private readonly store: ApiKeyStore,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly queries: TraceQueries,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const deps = { store: this.store, ingestor: this.ingestor, limits: this.settings.limits, logger: this.logger };
    this.http = createOtlpHttpServer(deps);
    await this.http.listen({ port: this.settings.otlpHttpPort, host: '0.0.0.0' });
    this.httpPort = (this.http.server.address() as { port: number }).port;
    this.grpc = createOtlpGrpcServer(deps);
    addTraceQueryService(this.grpc, { store: this.store, queries: this.queries, logger: this.logger });
    this.grpcPort = await bindGrpcServer(this.grpc, this.settings.otlpGrpcPort);
    this.logger.info({ otlpHttpPort: this.httpPort, otlpGrpcPort: this.grpcPort }, 'otlp receivers listening');
  }

  async beforeApplicationShutdown(): Promise<void> {
    const grpc = this.grpc;
    await Promise.all([
      this.http?.close(),
      grpc ? new Promise<void>((resolve) => grpc.tryShutdown(() => resolve())) : undefined,
    ]);
    this.logger.info('otlp receivers stopped');
  }
}

export function spanIngestorProvider() {
  return {
    provide: SPAN_INGESTOR,
    inject: [KAFKA_BUS, TRACE_INGEST_SETTINGS, SERVICE_LOGGER],
    useFactory: (bus: MessageBus, settings: TraceIngestSettings, logger: Logger) => new SpanIngestor(bus, settings, logger),
  };
}
