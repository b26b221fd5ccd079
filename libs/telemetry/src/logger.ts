import { trace } from '@opentelemetry/api';
import pino, { Logger } from 'pino';

/**
 * Structured JSON logger. Every line carries the service name and, inside a
 * traced operation, its trace and span ids. Authorization headers and API
 * keys are redacted wherever they appear in logged objects. Writes are
 * synchronous so the last lines before an exit or a crash are not lost.
 */
export function createLogger(service: string, level = 'info'): Logger {
  const options: pino.LoggerOptions = {
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
  };
  return pino(options, pino.destination({ dest: 1, sync: true }));
}
