import { ident } from '@estate/projection';

/** Span and trace facts: one row per span, and per-trace aggregates recomputed from them. */
function traceDdl(s: string): string[] {
  return [
    `CREATE TABLE ${s}.span_facts (
       tenant_id text NOT NULL,
       trace_id text NOT NULL,
       span_id text NOT NULL,
       step text NOT NULL,
       status text NOT NULL,
       error_type text,
       start_ns bigint NOT NULL,
       end_ns bigint NOT NULL,
       started_at timestamptz NOT NULL,
       duration_ms double precision NOT NULL,
       workflow text,
       agent text,
       tool text,
       model text,
       model_route text,
       prompt_version text,
       policy_class text,
       environment text,
       team text,
       input_tokens bigint NOT NULL,
       output_tokens bigint NOT NULL,
       total_tokens bigint NOT NULL,
       event_id uuid NOT NULL,
       PRIMARY KEY (tenant_id, trace_id, span_id))`,
    `CREATE INDEX ON ${s}.span_facts (tenant_id, started_at)`,
    `CREATE TABLE ${s}.trace_facts (
       tenant_id text NOT NULL,
       trace_id text NOT NULL,
       workflow text,
       environment text,
       team text,
       started_at timestamptz NOT NULL,
       duration_ms double precision NOT NULL,
       span_count integer NOT NULL,
       error_count integer NOT NULL,
       has_policy_context boolean NOT NULL,
       total_tokens bigint NOT NULL,
       PRIMARY KEY (tenant_id, trace_id))`,
    `CREATE INDEX ON ${s}.trace_facts (tenant_id, started_at)`,
  ];
}

/** Priced usage per model call, from spans and from usage records. */
function costDdl(s: string): string[] {
  return [
    `CREATE TABLE ${s}.cost_facts (
       tenant_id text NOT NULL,
       cost_key text NOT NULL,
       source text NOT NULL,
       event_id uuid NOT NULL,
       trace_id text,
       span_id text,
       usage_id text,
       occurred_at timestamptz NOT NULL,
       workflow text,
       team text,
       agent text,
       model_route text,
       model text NOT NULL,
       provider text,
       input_tokens bigint NOT NULL,
       output_tokens bigint NOT NULL,
       total_tokens bigint NOT NULL,
       cost numeric,
       unpriced_reason text,
       PRIMARY KEY (tenant_id, cost_key))`,
    `CREATE INDEX ON ${s}.cost_facts (tenant_id, occurred_at)`,
    `CREATE INDEX ON ${s}.cost_facts (tenant_id, trace_id)`,
    `CREATE TABLE ${s}.budgets (
       tenant_id text NOT NULL,
       budget_id uuid NOT NULL,
       name text NOT NULL,
       scope jsonb NOT NULL,
       period text NOT NULL,
       soft_limit numeric,
       hard_limit numeric,
       state text NOT NULL,
       period_key text,
       spent numeric,
       threshold_percent integer,
       updated_at timestamptz NOT NULL,
       PRIMARY KEY (tenant_id, budget_id))`,
    `CREATE TABLE ${s}.spend_signals (
       tenant_id text NOT NULL,
       signal_id uuid NOT NULL,
       kind text NOT NULL,
       trace_id text,
       workflow text,
       agent text,
       scope jsonb NOT NULL,
       detail jsonb NOT NULL,
       raised_at timestamptz NOT NULL,
       PRIMARY KEY (tenant_id, signal_id))`,
  ];
}

/**
 * Policy decisions, approvals and exception windows. Approval and window
 * columns are nullable because a row can be created by a later event of an
 * aggregate whose first event this model has not seen.
 */
function governanceDdl(s: string): string[] {
  return [
    `CREATE TABLE ${s}.decision_facts (
       tenant_id text NOT NULL,
       decision_id text NOT NULL,
       trace_id text,
       principal_type text NOT NULL,
       principal_id text NOT NULL,
       action text NOT NULL,
       resource_type text NOT NULL,
       resource_id text NOT NULL,
       outcome text NOT NULL,
       bundle_version text NOT NULL,
       determining_policies text[] NOT NULL,
       exception_window_ids text[] NOT NULL,
       workflow text,
       decided_at timestamptz NOT NULL,
       PRIMARY KEY (tenant_id, decision_id))`,
    `CREATE INDEX ON ${s}.decision_facts (tenant_id, trace_id)`,
    `CREATE TABLE ${s}.approvals (
       tenant_id text NOT NULL,
       approval_id text NOT NULL,
       version integer NOT NULL,
       trace_id text,
       decision_id text,
       state text NOT NULL,
       principal_id text,
       action text,
       resource_id text,
       requested_by text,
       requested_at timestamptz,
       expires_at timestamptz,
       decided_at timestamptz,
       decided_by text,
       PRIMARY KEY (tenant_id, approval_id))`,
    `CREATE TABLE ${s}.exception_windows (
       tenant_id text NOT NULL,
       window_id text NOT NULL,
       version integer NOT NULL,
       state text NOT NULL,
       policy_ids text[],
       principal_id text,
       resource_id text,
       environment text,
       owner text,
       reason text,
       starts_at timestamptz,
       ends_at timestamptz,
       ended_at timestamptz,
       opened_by text,
       PRIMARY KEY (tenant_id, window_id))`,
  ];
}

/** The inventory as the reports need it, and the assets runtime telemetry showed. */
function inventoryDdl(s: string): string[] {
  return [
    `CREATE TABLE ${s}.inventory_assets (
       tenant_id text NOT NULL,
       asset_id text NOT NULL,
       kind text NOT NULL,
       name text NOT NULL,
       version integer NOT NULL,
       owner_team text,
       environment text,
       data_classification text,
       policy_class text,
       lifecycle text NOT NULL,
       updated_at timestamptz NOT NULL,
       PRIMARY KEY (tenant_id, asset_id))`,
    `CREATE INDEX ON ${s}.inventory_assets (tenant_id, kind, name)`,
    `CREATE TABLE ${s}.inventory_relationships (
       tenant_id text NOT NULL,
       relationship_id text NOT NULL,
       type text NOT NULL,
       from_id text NOT NULL,
       from_kind text NOT NULL,
       to_id text NOT NULL,
       to_kind text NOT NULL,
       version integer NOT NULL,
       ended boolean NOT NULL,
       PRIMARY KEY (tenant_id, relationship_id))`,
    `CREATE TABLE ${s}.runtime_assets (
       tenant_id text NOT NULL,
       observed_kind text NOT NULL,
       name text NOT NULL,
       first_seen_at timestamptz NOT NULL,
       last_seen_at timestamptz NOT NULL,
       example_trace_id text NOT NULL,
       PRIMARY KEY (tenant_id, observed_kind, name))`,
  ];
}

/** Incidents, reviews and the per-tenant RACI table, recorded through this service. */
function recordDdl(s: string): string[] {
  return [
    `CREATE TABLE ${s}.evidence_records (
       tenant_id text NOT NULL,
       record_id uuid NOT NULL,
       record_type text NOT NULL,
       title text NOT NULL,
       recorded_by text NOT NULL,
       recorded_at timestamptz NOT NULL,
       severity text,
       area text,
       occurred_at timestamptz,
       detected_at timestamptz,
       reviewed_at timestamptz,
       cadence_days integer,
       owner_team text,
       summary text,
       findings jsonb NOT NULL,
       decisions jsonb NOT NULL,
       links jsonb NOT NULL,
       PRIMARY KEY (tenant_id, record_id))`,
    `CREATE TABLE ${s}.raci_assignments (
       tenant_id text NOT NULL,
       area text NOT NULL,
       team text NOT NULL,
       part text NOT NULL,
       assigned_by text NOT NULL,
       assigned_at timestamptz NOT NULL,
       PRIMARY KEY (tenant_id, area, team))`,
  ];
}

export function reportingReadModelDdl(schema: string): string[] {
  const s = ident(schema);
  return [...traceDdl(s), ...costDdl(s), ...governanceDdl(s), ...inventoryDdl(s), ...recordDdl(s)];
}

/**
 * Every approval and exception-window event, so `approvals` and
 * `exception_windows` are recomputed from the whole history of an aggregate
 * in (version, event id) order, whatever order the events arrived in.
 */
export function approvalEventsDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE ${s}.approval_events (
       tenant_id text NOT NULL,
       aggregate_id text NOT NULL,
       event_id uuid NOT NULL,
       version integer NOT NULL,
       type text NOT NULL,
       occurred_at timestamptz NOT NULL,
       payload jsonb NOT NULL,
       PRIMARY KEY (tenant_id, aggregate_id, event_id))`,
  ];
}

/** The token classes the span contract keeps apart, so reports can show tokens by class. */
export const TOKEN_CLASS_COLUMNS = ['cached_input_tokens', 'cache_creation_tokens', 'reasoning_tokens', 'audio_input_tokens', 'audio_output_tokens'] as const;

/**
 * Adds the token-class columns to `span_facts` and empties the trace facts
 * with the projection's offsets and applied event ids, so `reporting-traces`
 * replays the spans topic from its log start and fills the new columns.
 * NOTE: spans already deleted by the topic's retention are not replayed.
 */
export function tokenClassDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `ALTER TABLE ${s}.span_facts ${TOKEN_CLASS_COLUMNS.map((c) => `ADD COLUMN ${c} bigint NOT NULL DEFAULT 0`).join(', ')}`,
    `DELETE FROM ${s}.span_facts`,
    `DELETE FROM ${s}.trace_facts`,
    `DELETE FROM ${s}.projection_offsets WHERE projection = 'reporting-traces'`,
    `DELETE FROM ${s}.projection_applied_events WHERE projection = 'reporting-traces'`,
  ];
}
