import { ident } from '@estate/projection';

/** Attribution columns shared by usage rows and rollups; '' means the producer did not report the dimension. */
const DIMENSION_COLUMNS = `
  workflow text NOT NULL DEFAULT '',
  product text NOT NULL DEFAULT '',
  environment text NOT NULL DEFAULT '',
  team text NOT NULL DEFAULT '',
  agent text NOT NULL DEFAULT '',
  model_route text NOT NULL DEFAULT '',
  provider text NOT NULL DEFAULT '',
  model text NOT NULL DEFAULT '',
  policy_class text NOT NULL DEFAULT ''`;

const ROLLUP_KEY = 'tenant_id, bucket, workflow, product, environment, team, agent, model_route, provider, model, policy_class';

function rollupTable(s: string, name: string): string {
  return `CREATE TABLE ${s}.${name} (
    tenant_id text NOT NULL,
    bucket timestamptz NOT NULL,
    ${DIMENSION_COLUMNS},
    calls bigint NOT NULL,
    unpriced_calls bigint NOT NULL,
    input_tokens bigint NOT NULL,
    output_tokens bigint NOT NULL,
    cached_input_tokens bigint NOT NULL,
    cache_creation_tokens bigint NOT NULL,
    reasoning_tokens bigint NOT NULL,
    cost numeric NOT NULL,
    PRIMARY KEY (${ROLLUP_KEY}))`;
}

/** Price catalogs and overrides: reference data the ledger owns, announced on the cost events topic. */
export function catalogDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE ${s}.catalog_versions (
       version_id uuid PRIMARY KEY,
       tenant_id text NOT NULL,
       sha256 text NOT NULL,
       format text NOT NULL,
       effective_from timestamptz NOT NULL,
       entry_count integer NOT NULL,
       imported_by text NOT NULL,
       imported_at timestamptz NOT NULL DEFAULT now(),
       UNIQUE (tenant_id, sha256, effective_from))`,
    `CREATE TABLE ${s}.price_entries (
       version_id uuid NOT NULL REFERENCES ${s}.catalog_versions (version_id),
       model text NOT NULL,
       provider text NOT NULL,
       mode text NOT NULL,
       prices jsonb NOT NULL,
       tiers jsonb NOT NULL,
       PRIMARY KEY (version_id, model))`,
    `CREATE TABLE ${s}.price_overrides (
       override_id uuid PRIMARY KEY,
       tenant_id text NOT NULL,
       model text NOT NULL,
       effective_from timestamptz NOT NULL,
       prices jsonb NOT NULL,
       reason text NOT NULL,
       set_by text NOT NULL,
       set_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE INDEX ON ${s}.price_overrides (tenant_id, model, effective_from)`,
  ];
}

export function usageDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE ${s}.usage_records (
       tenant_id text NOT NULL,
       usage_id text NOT NULL,
       source text NOT NULL,
       event_id uuid NOT NULL,
       trace_id text,
       span_id text,
       session_id text,
       step text,
       occurred_at timestamptz NOT NULL,
       ${DIMENSION_COLUMNS},
       model_reported text NOT NULL,
       input_tokens bigint NOT NULL,
       output_tokens bigint NOT NULL,
       cached_input_tokens bigint NOT NULL,
       cache_creation_tokens bigint NOT NULL,
       cache_creation_1h_tokens bigint NOT NULL,
       reasoning_tokens bigint NOT NULL,
       audio_input_tokens bigint NOT NULL,
       audio_output_tokens bigint NOT NULL,
       images_input integer NOT NULL,
       images_output integer NOT NULL,
       requests integer NOT NULL,
       batch boolean NOT NULL,
       priced boolean NOT NULL,
       cost numeric,
       cost_lines jsonb,
       catalog_version uuid,
       override_id uuid,
       tier_above_input_tokens integer,
       unpriced_reason text,
       PRIMARY KEY (tenant_id, usage_id))`,
    `CREATE INDEX ON ${s}.usage_records (tenant_id, trace_id)`,
    `CREATE INDEX ON ${s}.usage_records (tenant_id, occurred_at) WHERE NOT priced`,
    rollupTable(s, 'cost_rollup_hourly'),
    rollupTable(s, 'cost_rollup_daily'),
    `CREATE INDEX ON ${s}.cost_rollup_hourly (tenant_id, workflow, bucket)`,
  ];
}

export function budgetDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE ${s}.budgets (
       tenant_id text NOT NULL,
       budget_id uuid NOT NULL,
       name text NOT NULL,
       scope jsonb NOT NULL,
       period text NOT NULL,
       soft_limit numeric,
       hard_limit numeric,
       thresholds integer[] NOT NULL,
       defined_by text NOT NULL,
       defined_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (tenant_id, budget_id))`,
    `CREATE TABLE ${s}.budget_periods (
       tenant_id text NOT NULL,
       budget_id uuid NOT NULL,
       period_key text NOT NULL,
       spent numeric NOT NULL DEFAULT 0,
       reserved numeric NOT NULL DEFAULT 0 CHECK (reserved >= 0),
       state text NOT NULL DEFAULT 'ok',
       PRIMARY KEY (tenant_id, budget_id, period_key),
       FOREIGN KEY (tenant_id, budget_id) REFERENCES ${s}.budgets (tenant_id, budget_id))`,
    `CREATE TABLE ${s}.budget_reservations (
       reservation_id uuid PRIMARY KEY,
       tenant_id text NOT NULL,
       amount numeric NOT NULL,
       status text NOT NULL,
       actual_cost numeric,
       usage_id text,
       created_at timestamptz NOT NULL,
       expires_at timestamptz NOT NULL,
       settled_at timestamptz)`,
    `CREATE INDEX ON ${s}.budget_reservations (expires_at) WHERE status = 'held'`,
    `CREATE TABLE ${s}.budget_reservation_lines (
       reservation_id uuid NOT NULL REFERENCES ${s}.budget_reservations (reservation_id),
       tenant_id text NOT NULL,
       budget_id uuid NOT NULL,
       period_key text NOT NULL,
       PRIMARY KEY (reservation_id, budget_id))`,
    `CREATE TABLE ${s}.budget_settlements (
       tenant_id text NOT NULL,
       usage_id text NOT NULL,
       budget_id uuid NOT NULL,
       period_key text NOT NULL,
       amount numeric NOT NULL,
       PRIMARY KEY (tenant_id, usage_id, budget_id))`,
  ];
}

export function signalDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE ${s}.trace_step_counts (
       tenant_id text NOT NULL,
       trace_id text NOT NULL,
       step_key text NOT NULL,
       calls integer NOT NULL,
       failures integer NOT NULL,
       PRIMARY KEY (tenant_id, trace_id, step_key))`,
    `CREATE TABLE ${s}.counted_spans (
       tenant_id text NOT NULL,
       trace_id text NOT NULL,
       span_id text NOT NULL,
       PRIMARY KEY (tenant_id, trace_id, span_id))`,
    `CREATE TABLE ${s}.workflow_prompt_stats (
       tenant_id text NOT NULL,
       workflow text NOT NULL,
       calls bigint NOT NULL,
       prompt_tokens bigint NOT NULL,
       PRIMARY KEY (tenant_id, workflow))`,
    `CREATE TABLE ${s}.spend_signals (
       tenant_id text NOT NULL,
       kind text NOT NULL,
       dedupe_key text NOT NULL,
       signal_id uuid NOT NULL,
       trace_id text,
       scope jsonb NOT NULL,
       detail jsonb NOT NULL,
       raised_at timestamptz NOT NULL,
       PRIMARY KEY (tenant_id, kind, dedupe_key))`,
    `CREATE INDEX ON ${s}.spend_signals (tenant_id, raised_at)`,
    `CREATE TABLE ${s}.outbox (
       seq bigserial PRIMARY KEY,
       envelope jsonb NOT NULL)`,
  ];
}

/**
 * Spend per workflow and UTC hour: the spike check's baseline. It holds one
 * row per workflow-hour, where the hourly rollup holds one per dimension
 * combination, so a 7-day window reads 168 rows at most. Backfilled from the
 * hourly rollup so an existing ledger keeps its baselines.
 */
export function workflowSpendDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE ${s}.workflow_hourly_spend (
       tenant_id text NOT NULL,
       workflow text NOT NULL,
       hour timestamptz NOT NULL,
       cost numeric NOT NULL,
       PRIMARY KEY (tenant_id, workflow, hour))`,
    `INSERT INTO ${s}.workflow_hourly_spend (tenant_id, workflow, hour, cost)
     SELECT tenant_id, workflow, bucket, sum(cost) FROM ${s}.cost_rollup_hourly
     WHERE workflow <> '' AND calls > unpriced_calls GROUP BY tenant_id, workflow, bucket`,
  ];
}

/**
 * Leaves free space in every page of the tables the projection increments in
 * place, so an update can stay on its page without a new index entry (a HOT
 * update) and the page is pruned as it goes. Without it, every batch adds
 * index entries for rows it only increments. On the usage pricing benchmark
 * this cut Postgres CPU per record by about a tenth. The hourly rollup, the
 * largest table, keeps less free space, because most of its rows stop
 * changing once their hour is over. Applies to pages written from now on.
 */
export function updateSpaceDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `ALTER TABLE ${s}.cost_rollup_hourly SET (fillfactor = 70)`,
    ...['cost_rollup_daily', 'workflow_hourly_spend', 'workflow_prompt_stats'].map((table) => `ALTER TABLE ${s}.${table} SET (fillfactor = 50)`),
  ];
}

/**
 * Stores each usage row's price breakdown as `json` rather than `jsonb`.
 * The breakdown is only ever returned whole, never searched, and `json`
 * keeps the text as sent after checking it, which cost Postgres less per
 * usage row than building `jsonb`.
 */
export function costLinesAsJsonDdl(schema: string): string[] {
  return [`ALTER TABLE ${ident(schema)}.usage_records ALTER COLUMN cost_lines TYPE json USING cost_lines::json`];
}

/** A removed budget keeps its row and periods for history, but no longer counts spend or limits calls. */
export function budgetRemovalDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `ALTER TABLE ${s}.budgets ADD COLUMN removed_at timestamptz, ADD COLUMN removed_by text, ADD COLUMN removal_reason text`,
  ];
}
