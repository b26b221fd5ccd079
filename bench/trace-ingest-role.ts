/** Starts one trace-ingest role on an existing schema and topics, for the ingest benchmark's child processes. */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startServiceForTest } from '@estate/testing';
import { appModule, migrations, projectionsForRole } from '../services/trace-ingest/src/app.module';
import type { TraceIngestRole } from '../services/trace-ingest/src/config';
import { DEFAULT_LIMITS, TraceIngestSettings } from '../services/trace-ingest/src/settings';

/** Starts `role` on `schema` with the topics given as the JSON of TraceIngestSettings.topics. */
export async function startTraceIngestRole(role: TraceIngestRole, schema: string, topics: string, poolSize: number): Promise<NestFastifyApplication> {
  const settings: TraceIngestSettings = {
    otlpHttpPort: 0,
    otlpGrpcPort: 0,
    limits: DEFAULT_LIMITS,
    redaction: [],
    topics: JSON.parse(topics) as TraceIngestSettings['topics'],
  };
  const service = await startServiceForTest(
    'trace-ingest',
    { migrations, schema, projections: projectionsForRole(role, settings), config: { DB_POOL_SIZE: poolSize } },
    (options) => appModule(options, settings, role),
  );
  return service.app;
}
