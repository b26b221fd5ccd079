import type { Projection } from '@estate/projection';
import type { Logger } from 'pino';
import type { MigrationClass } from './migrations';

/** Settings every service reads through the common config schema. */
export interface CommonConfig {
  HTTP_PORT: number;
  GRPC_PORT?: number;
  KAFKA_BROKERS: string[];
  DATABASE_URL: string;
  LOG_LEVEL: string;
  DB_POOL_SIZE: number;
  SHUTDOWN_TIMEOUT_MS: number;
}

export interface ServiceOptions {
  /** Short name: inventory, policy, approvals, trace-ingest, cost-ledger, reporting. */
  name: string;
  /** Postgres schema owned by the service. */
  schema: string;
  config: CommonConfig;
  logger: Logger;
  migrations: MigrationClass[];
  /** Read models this service keeps, besides the access model every service keeps. */
  projections?: Projection[];
  /** Consumer groups are `<prefix>.<projection>`; defaults to `estate.<name>`. Tests pass a unique one. */
  consumerGroupPrefix?: string;
  /** gRPC API served on GRPC_PORT through Nest's microservice transport. */
  grpc?: { packages: string[]; protoPaths: string[] };
  /** Maximum HTTP request body in bytes. */
  bodyLimit?: number;
}
