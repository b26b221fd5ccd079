import { KafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer } from '@testcontainers/postgresql';

/**
 * Starts Kafka (KRaft) and Postgres in containers and exports their addresses
 * for the test workers. Used only when a Docker engine is present and the
 * environment names no broker or database.
 */
export async function startContainers(): Promise<void> {
  const [kafka, postgres] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
    new PostgreSqlContainer('postgres:16-alpine').withDatabase('estate').withUsername('postgres').withPassword('postgres').start(),
  ]);
  process.env.KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
  process.env.DATABASE_URL = postgres.getConnectionUri();
  // Containers are removed by testcontainers' reaper when the jest process exits.
}
