import { hostList, oneOf, port, postgresUrl, text, integer } from './variables';

/**
 * Variables every service reads. Each service spreads these into its own
 * schema and adds what only it needs.
 */
export function commonServiceSchema(defaults: { httpPort: number; grpcPort?: number }) {
  return {
    HTTP_PORT: port('HTTP port for the REST API, health checks and metrics', defaults.httpPort),
    ...(defaults.grpcPort ? { GRPC_PORT: port('gRPC port', defaults.grpcPort) } : {}),
    KAFKA_BROKERS: hostList('Kafka bootstrap brokers, comma-separated host:port', '127.0.0.1:9092'),
    DATABASE_URL: postgresUrl('Postgres connection URL', 'postgres://postgres@127.0.0.1:5432/estate'),
    LOG_LEVEL: oneOf('Minimum log level', ['trace', 'debug', 'info', 'warn', 'error'] as const, 'info'),
    OTEL_EXPORTER_OTLP_ENDPOINT: {
      ...text('OTLP/HTTP endpoint for the service\'s own traces; unset disables export'),
      required: false,
    },
    DB_POOL_SIZE: integer('Maximum Postgres connections in the pool', { default: '10', min: 1, max: 200 }),
    SHUTDOWN_TIMEOUT_MS: integer('Time allowed to finish in-flight work on SIGTERM', { default: '20000', min: 1000 }),
  };
}
