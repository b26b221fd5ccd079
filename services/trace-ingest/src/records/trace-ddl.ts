import { ident } from '@estate/projection';

/**
 * Creates the trace read model. `spans` contains each span once, and the
 * rule that picks among deliveries is in TraceProjection. `traces` contains
 * per-trace aggregates recomputed from the spans of every touched trace.
 */
export function traceRecordDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE ${s}.spans (
       tenant_id text NOT NULL,
       trace_id text NOT NULL,
       span_id text NOT NULL,
       parent_span_id text,
       name text NOT NULL,
       step text NOT NULL,
       start_ns bigint NOT NULL,
       end_ns bigint NOT NULL,
       status text NOT NULL,
       status_message text,
       service text,
       environment text,
       workflow text,
       agent text,
       tool text,
       model text,
       provider text,
       context jsonb NOT NULL,
       usage jsonb,
       reported_cost jsonb,
       attributes jsonb NOT NULL,
       resource jsonb NOT NULL,
       events jsonb,
       scope text,
       source text NOT NULL,
       content_hash text NOT NULL,
       PRIMARY KEY (tenant_id, trace_id, span_id))`,
    `CREATE INDEX spans_attributes ON ${s}.spans USING gin (attributes jsonb_path_ops)`,
    `CREATE TABLE ${s}.traces (
       tenant_id text NOT NULL,
       trace_id text NOT NULL,
       start_ns bigint NOT NULL,
       end_ns bigint NOT NULL,
       start_time timestamptz NOT NULL,
       duration_ns bigint NOT NULL,
       status text NOT NULL,
       span_count integer NOT NULL,
       error_count integer NOT NULL,
       orphan_count integer NOT NULL,
       root_span_id text NOT NULL,
       root_name text NOT NULL,
       service text,
       environment text,
       workflow text,
       input_tokens bigint NOT NULL,
       output_tokens bigint NOT NULL,
       cached_input_tokens bigint NOT NULL,
       cache_creation_tokens bigint NOT NULL,
       reasoning_tokens bigint NOT NULL,
       audio_input_tokens bigint NOT NULL,
       audio_output_tokens bigint NOT NULL,
       total_tokens bigint NOT NULL,
       models text[] NOT NULL,
       providers text[] NOT NULL,
       tools text[] NOT NULL,
       agents text[] NOT NULL,
       services text[] NOT NULL,
       PRIMARY KEY (tenant_id, trace_id))`,
    `CREATE INDEX traces_by_time ON ${s}.traces (tenant_id, start_time DESC, trace_id)`,
    `CREATE INDEX traces_models ON ${s}.traces USING gin (models)`,
    `CREATE INDEX traces_tools ON ${s}.traces USING gin (tools)`,
    `CREATE INDEX traces_agents ON ${s}.traces USING gin (agents)`,
  ];
}

/** Policy decisions and approvals placed on the spans they govern, for the control story of a trace. */
export function controlDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE ${s}.policy_decisions (
       tenant_id text NOT NULL,
       decision_id text NOT NULL,
       trace_id text,
       span_id text,
       outcome text NOT NULL,
       action text NOT NULL,
       principal text NOT NULL,
       resource text NOT NULL,
       bundle_version text NOT NULL,
       reasons jsonb NOT NULL,
       decided_at timestamptz NOT NULL,
       PRIMARY KEY (tenant_id, decision_id))`,
    `CREATE INDEX policy_decisions_by_trace ON ${s}.policy_decisions (tenant_id, trace_id)`,
    `CREATE TABLE ${s}.approvals (
       tenant_id text NOT NULL,
       approval_id text NOT NULL,
       trace_id text,
       span_id text,
       decision_id text,
       state text NOT NULL,
       version integer NOT NULL,
       occurred_at timestamptz NOT NULL,
       PRIMARY KEY (tenant_id, approval_id))`,
    `CREATE INDEX approvals_by_trace ON ${s}.approvals (tenant_id, trace_id)`,
  ];
}
