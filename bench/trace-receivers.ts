/**
 * Runs trace-ingest's receiver role in several Node cluster workers that
 * share one OTLP/HTTP port (`runInCluster`, as TRACE_INGEST_PROCESSES does),
 * on an existing schema and topics, for the ingest benchmark. Each worker
 * prints `worker <pid> <otlp http port>`, and the primary prints `ready`
 * once every worker has started. SIGTERM stops the workers gracefully.
 * Usage: trace-receivers.ts <processes> <schema> <topics as the JSON of TraceIngestSettings.topics>
 */
import cluster from 'node:cluster';
import { runInCluster } from '@estate/service-kit';
import { createLogger } from '@estate/telemetry';
import { OtlpReceivers } from '../services/trace-ingest/src/otlp/otlp-receivers';
import { startTraceIngestRole } from './trace-ingest-role';

async function startReceiver(schema: string, topics: string): Promise<void> {
  const app = await startTraceIngestRole('receiver', schema, topics, 4);
  // Port 0 in a cluster worker binds the primary's one shared handle, so every worker reports the same port.
  process.stdout.write(`worker ${process.pid} ${app.get(OtlpReceivers).httpPort}\n`);
}

const [processes, schema, topics] = process.argv.slice(2);
if (!processes || !schema || !topics) throw new Error('usage: trace-receivers.ts <processes> <schema> <topics as JSON>');
runInCluster(Number(processes), createLogger('trace-receivers', 'warn'), () => startReceiver(schema, topics)).then(
  () => cluster.isPrimary && process.stdout.write('ready\n'),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
