import { existsSync } from 'node:fs';

export interface Infrastructure {
  kafkaBrokers: string[];
  databaseUrl: string;
}

const HOW_TO_START =
  'Start the local stack with `bash scripts/stack.sh up` and export ' +
  'KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:5432/estate, ' +
  'or run on a machine with a Docker engine so testcontainers can start them.';

/** True when a Docker engine socket is reachable for testcontainers. */
export function dockerAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

/**
 * Reads the broker and database addresses the integration tests use. Both
 * must be set, or both unset with Docker present; anything else fails with
 * the command that fixes it. Integration tests never skip themselves.
 */
export function infrastructureFromEnv(env: NodeJS.ProcessEnv = process.env): Infrastructure | 'use-testcontainers' {
  const brokers = env.KAFKA_BROKERS;
  const databaseUrl = env.DATABASE_URL;
  if (brokers && databaseUrl) return { kafkaBrokers: brokers.split(',').map((b) => b.trim()), databaseUrl };
  if (brokers || databaseUrl) {
    throw new Error(`only one of KAFKA_BROKERS and DATABASE_URL is set; set both. ${HOW_TO_START}`);
  }
  if (dockerAvailable(env)) return 'use-testcontainers';
  throw new Error(`integration tests need Kafka and Postgres: KAFKA_BROKERS and DATABASE_URL are unset and no Docker engine is reachable. ${HOW_TO_START}`);
}

/** The addresses for a test file; global setup has already resolved or started them. */
export function testInfrastructure(): Infrastructure {
  const resolved = infrastructureFromEnv();
  if (resolved === 'use-testcontainers') {
    throw new Error('global setup did not export KAFKA_BROKERS and DATABASE_URL; run the tests through jest with the int project');
  }
  return resolved;
}
