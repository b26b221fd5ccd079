import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { infrastructureFromEnv } from './infrastructure';

/**
 * Resolves Kafka and Postgres for the integration tier before any test file
 * runs: from the environment, or by starting containers when only Docker is
 * available. It checks both answer, so a missing service fails the run once,
 * with the fix, instead of timing out in every test.
 */
export default async function globalSetup(): Promise<void> {
  const resolved = infrastructureFromEnv();
  if (resolved === 'use-testcontainers') {
    const { startContainers } = await import('./containers');
    await startContainers();
  }
  const { KAFKA_BROKERS, DATABASE_URL } = process.env as Record<string, string>;

  const client = new Client({ connectionString: DATABASE_URL });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`Postgres at DATABASE_URL does not answer: ${(error as Error).message}. Run \`bash scripts/stack.sh up\`.`);
  } finally {
    await client.end().catch(() => undefined);
  }

  const admin = new Kafka({ brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw new Error(`Kafka at KAFKA_BROKERS=${KAFKA_BROKERS} does not answer: ${(error as Error).message}. Run \`bash scripts/stack.sh up\`.`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
