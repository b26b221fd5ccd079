/**
 * Runs trace-ingest in the projector role (trace projection and API, no OTLP
 * listeners) on an existing schema and topics, for the ingest benchmark's
 * split layout. Prints `ready` once the projections run; SIGTERM stops it gracefully.
 * Usage: trace-projector.ts <schema> <topics as the JSON of TraceIngestSettings.topics>
 */
import { startServiceForTest } from '@estate/testing';
import { appModule, migrations, projectionsForRole } from '../services/trace-ingest/src/app.module';
import { DEFAULT_LIMITS, TraceIngestSettings } from '../services/trace-ingest/src/settings';

async function main(): Promise<void> {
  const [schema, topics] = process.argv.slice(2);
  if (!schema || !topics) throw new Error('usage: trace-projector.ts <schema> <topics as JSON>');
  const settings: TraceIngestSettings = {
    otlpHttpPort: 0,
    otlpGrpcPort: 0,
    limits: DEFAULT_LIMITS,
    redaction: [],
    topics: JSON.parse(topics) as TraceIngestSettings['topics'],
  };
  const service = await startServiceForTest(
    'trace-ingest',
    { migrations, schema, projections: projectionsForRole('projector', settings), config: { DB_POOL_SIZE: 10 } },
    (options) => appModule(options, settings, 'projector'),
  );
  // The service's own shutdown hooks stop it gracefully on SIGTERM.
  void service;
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
