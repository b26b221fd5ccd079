import { loadConfigOrExit } from '@estate/config';
import { startTracing } from '@estate/telemetry';
import { configSchema, SERVICE_NAME } from './config';

// Loaded before anything else so tracing patches http and pg before they are required.
export const config = loadConfigOrExit(SERVICE_NAME, configSchema);
startTracing(SERVICE_NAME, config.OTEL_EXPORTER_OTLP_ENDPOINT);
