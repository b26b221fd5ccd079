import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry tracing for a service. Call it before any module that
 * the instrumentations patch (http, pg) is loaded. Spans are exported only
 * when `otlpEndpoint` is set; trace ids still reach the logs without it.
 */
export function startTracing(serviceName: string, otlpEndpoint?: string): void {
  if (sdk) return;
  const exporter = otlpEndpoint ? new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/$/, '')}/v1/traces` }) : undefined;
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: `estate-${serviceName}` }),
    traceExporter: exporter,
    instrumentations: [
      new HttpInstrumentation({
        // The service's own receivers would otherwise trace every OTLP export they accept.
        ignoreIncomingRequestHook: (request) => request.url === '/metrics' || (request.url ?? '').startsWith('/health'),
      }),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
}

export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
