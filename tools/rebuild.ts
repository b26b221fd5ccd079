/**
 * Rebuilds one read model of a service from its topics into a fresh schema
 * and compares it with the live one, table by table.
 *
 *   npx ts-node tools/rebuild.ts <service> <projection> [--keep]
 *
 * Exits 0 when the rebuilt model equals the live one, 1 when it differs.
 * Run it while the live projection is caught up; the comparison stops at
 * the offsets the live model had stored when the rebuild began.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { AccessProjection } from '@estate/access';
import { hostList, loadConfigOrExit, postgresUrl } from '@estate/config';
import { KafkaBus } from '@estate/kafka';
import { Projection, rebuildAndCompare } from '@estate/projection';
import { MigrationClass, runMigrations } from '@estate/service-kit';
import { createLogger } from '@estate/telemetry';
import { Pool } from 'pg';

const config = loadConfigOrExit('rebuild', {
  KAFKA_BROKERS: hostList('Kafka bootstrap brokers', '127.0.0.1:9092'),
  DATABASE_URL: postgresUrl('Postgres URL', 'postgres://postgres@127.0.0.1:5432/estate'),
});

interface ServiceModule {
  migrations: MigrationClass[];
  projections?: Projection[];
  SERVICE_SCHEMA: string;
}

function loadService(service: string): ServiceModule {
  const servicesDir = path.join(__dirname, '..', 'services');
  const dir = path.join(servicesDir, service, 'src');
  if (!existsSync(path.join(dir, 'migrations'))) {
    const known = readdirSync(servicesDir).filter((name) => existsSync(path.join(servicesDir, name, 'src', 'migrations')));
    throw new Error(`service "${service}" is unknown; use one of: ${known.join(', ')}`);
  }
  const { migrations } = require(path.join(dir, 'migrations')) as { migrations: MigrationClass[] };
  const { SERVICE_SCHEMA } = require(path.join(dir, 'config')) as { SERVICE_SCHEMA: string };
  let projections: Projection[] = [];
  try {
    projections = (require(path.join(dir, 'projections')) as { projections: Projection[] }).projections;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
  }
  return { migrations, projections: [new AccessProjection(), ...projections], SERVICE_SCHEMA };
}

async function run(): Promise<number> {
  const [service, projectionName] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (!service || !projectionName) {
    process.stderr.write('usage: tools/rebuild.ts <service> <projection> [--keep]\n');
    return 2;
  }
  const module = loadService(service);
  const projection = module.projections?.find((p) => p.name === projectionName);
  if (!projection) {
    const known = module.projections?.map((p) => p.name).join(', ');
    process.stderr.write(`rebuild: ${service} has no projection "${projectionName}"; known: ${known}\n`);
    return 2;
  }
  const logger = createLogger('rebuild', 'warn');
  const bus = new KafkaBus({ clientId: 'estate-rebuild', brokers: config.KAFKA_BROKERS }, logger);
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 4 });
  try {
    const result = await rebuildAndCompare({
      bus,
      pool,
      projection,
      liveSchema: module.SERVICE_SCHEMA,
      migrate: async (schema) => void (await runMigrations(config.DATABASE_URL, schema, module.migrations)),
      logger,
      keepSchema: process.argv.includes('--keep'),
    });
    const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : 0;
    process.stdout.write(`rebuilt ${projectionName} of ${service}: ${result.events} events in ${result.seconds.toFixed(2)} s (${rate}/s)\n`);
    for (const d of result.differences) {
      process.stdout.write(`  ${d.table}: ${d.onlyInLive} rows only in live, ${d.onlyInRebuild} only in rebuild\n`);
    }
    process.stdout.write(result.equal ? 'rebuild equals the live read model\n' : 'rebuild DIFFERS from the live read model\n');
    return result.equal ? 0 : 1;
  } finally {
    await bus.close();
    await pool.end();
  }
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`rebuild failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
