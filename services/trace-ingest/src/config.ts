import { commonServiceSchema, integer, oneOf, port } from '@estate/config';
import { parseRedactionRules } from './ingest/redaction';

export const SERVICE_NAME = 'trace-ingest';
export const SERVICE_SCHEMA = 'trace_ingest';

/**
 * Roles one process of the service can take. `all` runs everything. A
 * `receiver` leaves the trace record to other processes, and a `projector`
 * opens no OTLP listener, so intake and projection can scale apart.
 */
export const TRACE_INGEST_ROLES = ['all', 'receiver', 'projector'] as const;
export type TraceIngestRole = (typeof TRACE_INGEST_ROLES)[number];

/** Every variable the trace-ingest service reads, validated together at start. */
export const configSchema = {
  ...commonServiceSchema({ httpPort: 3004 }),
  TRACE_INGEST_ROLE: oneOf(
    'What this process runs: all; receiver (OTLP intake and the API, no trace projection); projector (trace projection and the API, no OTLP listeners)',
    TRACE_INGEST_ROLES,
    'all',
  ),
  TRACE_INGEST_PROCESSES: integer(
    'Node processes that share this service\'s ports, as cluster workers; above 1 spreads OTLP intake over more cores (use with TRACE_INGEST_ROLE=receiver)',
    { default: '1', min: 1, max: 64 },
  ),
  OTLP_HTTP_PORT: port('Port of the OTLP/HTTP receiver (POST /v1/traces)', 4318),
  OTLP_GRPC_PORT: port('Port of the OTLP/gRPC receiver (TraceService/Export)', 4317),
  OTLP_MAX_BODY_BYTES: integer('Maximum OTLP request body in bytes, after gzip decompression', { default: String(8 * 1024 * 1024), min: 1024 }),
  OTLP_MAX_SPANS_PER_REQUEST: integer('Maximum spans in one OTLP request; larger requests are rejected whole', { default: '10000', min: 1, max: 10000 }),
  OTLP_MAX_ATTRIBUTES_PER_SPAN: integer('Maximum attributes on one span; a span with more is rejected', { default: '256', min: 1 }),
  OTLP_MAX_ATTRIBUTE_VALUE_LENGTH: integer('Maximum characters of one string attribute value; longer values are truncated with a marker', {
    default: '16384',
    min: 64,
  }),
  TRACE_REDACTION: {
    description:
      'JSON list of {"tenantId"?, "environment"?} rules; message content of spans matching a rule has PII and secrets redacted before it is stored. Unset disables redaction',
    required: false,
    parse: parseRedactionRules,
  },
};
