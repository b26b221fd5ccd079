/**
 * Runs trace-ingest in the projector role (trace projection and API, no OTLP
 * listeners) on an existing schema and topics, for the ingest benchmark's
 * split layout. Prints `ready` once the projections run; SIGTERM stops it gracefully.
 * Usage: trace-projector.ts <schema> <topics as the JSON of TraceIngestSettings.topics>
 */
import { startTraceIngestRole } from './trace-ingest-role';

async function main(): Promise<void> {
  const [schema, topics] = process.argv.slice(2);
  if (!schema || !topics) throw new Error('usage: trace-projector.ts <schema> <topics as JSON>');
  // The service's own shutdown hooks stop it gracefully on SIGTERM.
  await startTraceIngestRole('projector', schema, topics, 10);
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
