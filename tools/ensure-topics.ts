/** Creates every Estate topic on the brokers in KAFKA_BROKERS (default 127.0.0.1:9092). */
import { loadConfig, hostList } from '@estate/config';
import { ensureEstateTopics, KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';

async function run(): Promise<void> {
  const config = loadConfig('ensure-topics', { KAFKA_BROKERS: hostList('Kafka bootstrap brokers', '127.0.0.1:9092') });
  const logger = createLogger('tools');
  const bus = new KafkaBus({ clientId: 'estate-tools', brokers: config.KAFKA_BROKERS }, logger);
  try {
    const created = await ensureEstateTopics(bus);
    process.stdout.write(`topics: ${created.length} created, the rest already existed\n`);
  } finally {
    await bus.close();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`ensure-topics failed: ${(error as Error).message}\n`);
  process.exit(1);
});
