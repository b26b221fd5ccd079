import { config } from './instrument';
import { main, runInCluster, startService } from '@estate/service-kit';
import { createLogger } from '@estate/telemetry';
import { appModule, migrations, projectionsForRole } from './app.module';
import { SERVICE_NAME, SERVICE_SCHEMA } from './config';
import { DEFAULT_TOPICS, TraceIngestSettings } from './settings';

const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const settings: TraceIngestSettings = {
  otlpHttpPort: config.OTLP_HTTP_PORT,
  otlpGrpcPort: config.OTLP_GRPC_PORT,
  limits: {
    maxBodyBytes: config.OTLP_MAX_BODY_BYTES,
    maxSpansPerRequest: config.OTLP_MAX_SPANS_PER_REQUEST,
    maxAttributesPerSpan: config.OTLP_MAX_ATTRIBUTES_PER_SPAN,
    maxAttributeValueLength: config.OTLP_MAX_ATTRIBUTE_VALUE_LENGTH,
  },
  redaction: config.TRACE_REDACTION ?? [],
  topics: DEFAULT_TOPICS,
};
const options = { name: SERVICE_NAME, schema: SERVICE_SCHEMA, config, logger, migrations, projections: projectionsForRole(config.TRACE_INGEST_ROLE, settings), bodyLimit: config.OTLP_MAX_BODY_BYTES };

main(options, () => runInCluster(config.TRACE_INGEST_PROCESSES, logger, () => startService(options, appModule(options, settings, config.TRACE_INGEST_ROLE))));
