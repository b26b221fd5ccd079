import { trace } from '@opentelemetry/api';
import pino, { Logger } from 'pino';

/**
 * Structured JSON logger. Every line carries the service name and, inside a
 * traced operation, its trace and span ids. Authorization headers and API
 * keys are redacted wherever they appear in logged objects.
 */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service: `estate-${service}` },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'apiKey', '*.apiKey', 'key', 'password'],
      censor: '[redacted]',
    },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const context = span.spanContext();
      return { trace_id: context.traceId, span_id: context.spanId };
    },
  });
}
