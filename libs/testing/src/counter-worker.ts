/**
 * A projection process for crash tests. It runs the counter projection until
 * SIGTERM. With CRASH_IN_BATCH=n it kills itself with SIGKILL inside the
 * n-th batch, after the read-model rows are written and before the commit.
 */
import { EventEnvelope } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { ProjectionContext, ProjectionRunner } from '@estate/projection';
import { createLogger } from '@estate/telemetry';
import { Pool } from 'pg';
import { CounterProjection } from './counter-fixture';

class CrashingCounterProjection extends CounterProjection {
  private batches = 0;

  constructor(topics: string[], private readonly crashInBatch: number) {
    super(topics);
  }

  override async apply(events: EventEnvelope[], context: ProjectionContext): Promise<void> {
    await super.apply(events, context);
    this.batches += 1;
    if (this.batches === this.crashInBatch) process.kill(process.pid, 'SIGKILL');
  }
}

async function run(): Promise<void> {
  const env = process.env as Record<string, string>;
  const logger = createLogger('counter-worker', 'warn');
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 2 });
  const bus = new KafkaBus({ clientId: 'counter-worker', brokers: env.KAFKA_BROKERS.split(',') }, logger);
  const crashInBatch = Number(env.CRASH_IN_BATCH ?? '0');
  const projection = new CrashingCounterProjection([env.TOPIC], crashInBatch);
  const runner = new ProjectionRunner({ bus, pool, schema: env.SCHEMA, projection, logger, groupId: env.GROUP_ID, maxBytesPerPartition: 32 * 1024 });
  await runner.start();
  process.stdout.write('worker started\n');
  process.on('SIGTERM', () => {
    void runner.stop().then(() => bus.close()).then(() => pool.end()).then(() => process.exit(0));
  });
}

run().catch((error: unknown) => {
  process.stderr.write(`counter worker failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
