import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ident } from '@estate/projection';

const TRACE_DDL = join(__dirname, '../../services/trace-ingest/src/records/trace-ddl.ts');

/** DDL of the span read model and whether it is trace-ingest's own or the stand-in below. */
export interface SpanTableDdl {
  statements: string[];
  source: 'trace-ingest' | 'representative';
}

/**
 * Uses trace-ingest's read-model DDL when the service provides it, so COPY
 * and the projection write into the same table shape and indexes. The
 * stand-in has the same column types and primary key, for a checkout
 * without that service.
 */
export function spanTableDdl(schema: string): SpanTableDdl {
  if (existsSync(TRACE_DDL)) {
    const module = require(TRACE_DDL) as { traceRecordDdl: (schema: string) => string[] };
    return { statements: module.traceRecordDdl(schema), source: 'trace-ingest' };
  }
  const s = ident(schema);
  return {
    source: 'representative',
    statements: [
      `CREATE TABLE ${s}.spans (
         tenant_id text NOT NULL, trace_id text NOT NULL, span_id text NOT NULL, parent_span_id text,
         name text NOT NULL, step text NOT NULL, start_ns bigint NOT NULL, end_ns bigint NOT NULL,
         status text NOT NULL, status_message text, service text, environment text, workflow text,
         agent text, tool text, model text, provider text, context jsonb NOT NULL, usage jsonb,
         reported_cost jsonb, attributes jsonb NOT NULL, resource jsonb NOT NULL, events jsonb,
         scope text, source text NOT NULL, content_hash text NOT NULL,
         PRIMARY KEY (tenant_id, trace_id, span_id))`,
      `CREATE INDEX spans_attributes ON ${s}.spans USING gin (attributes jsonb_path_ops)`,
    ],
  };
}

/** Columns COPY fills, in order; the values come from `spanCsvRow`. */
export const SPAN_COPY_COLUMNS = [
  'tenant_id', 'trace_id', 'span_id', 'parent_span_id', 'name', 'step', 'start_ns', 'end_ns', 'status', 'service',
  'environment', 'workflow', 'agent', 'tool', 'model', 'provider', 'context', 'usage', 'attributes', 'resource', 'scope',
  'source', 'content_hash',
];
