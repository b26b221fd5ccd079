import { ident } from '@estate/projection';

/**
 * The write side: `aggregates` holds each asset's and relationship's current
 * state and version (the optimistic-concurrency check is an UPDATE guarded by
 * the expected version), `asset_events` is the append-only history with one
 * row per (aggregate, version), and `outbox` holds envelopes until the relay
 * has appended them to Kafka.
 */
export function writeSideDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE ${s}.aggregates (
       tenant_id text NOT NULL,
       aggregate_id text NOT NULL,
       aggregate_type text NOT NULL CHECK (aggregate_type IN ('asset', 'relationship')),
       kind text NOT NULL,
       name text NOT NULL,
       version integer NOT NULL,
       state jsonb NOT NULL,
       PRIMARY KEY (tenant_id, aggregate_id))`,
    `CREATE INDEX aggregates_by_kind_name ON ${s}.aggregates (tenant_id, kind, name)`,
    `CREATE TABLE ${s}.asset_events (
       seq bigserial PRIMARY KEY,
       tenant_id text NOT NULL,
       aggregate_id text NOT NULL,
       version integer NOT NULL,
       event_id uuid NOT NULL UNIQUE,
       type text NOT NULL,
       changed_by text NOT NULL,
       recorded_at timestamptz NOT NULL,
       payload jsonb NOT NULL,
       UNIQUE (tenant_id, aggregate_id, version))`,
    `CREATE TABLE ${s}.outbox (
       seq bigserial PRIMARY KEY,
       event_id uuid NOT NULL UNIQUE,
       envelope jsonb NOT NULL,
       published_at timestamptz)`,
    `CREATE INDEX outbox_unpublished ON ${s}.outbox (seq) WHERE published_at IS NULL`,
  ];
}

/**
 * Lets the relay set aside an outbox row Kafka can never take (an event over
 * the size limit, or one that no longer passes its contract), keeping it in
 * the table with the reason instead of retrying it before every later row.
 */
export function outboxUnpublishableDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `ALTER TABLE ${s}.outbox ADD COLUMN unpublishable_reason text`,
    `DROP INDEX ${s}.outbox_unpublished`,
    `CREATE INDEX outbox_unpublished ON ${s}.outbox (seq) WHERE published_at IS NULL AND unpublishable_reason IS NULL`,
  ];
}

/** Read models built by the projections from the inventory and runtime-observation topics. */
export function readModelDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE ${s}.assets (
       tenant_id text NOT NULL,
       asset_id text NOT NULL,
       kind text NOT NULL,
       name text NOT NULL,
       version integer NOT NULL,
       asset_version text,
       owner_team text,
       purpose text,
       environment text,
       data_classification text,
       policy_class text,
       lifecycle text NOT NULL,
       labels jsonb NOT NULL,
       external_refs jsonb NOT NULL,
       attributes jsonb NOT NULL,
       definition_hash text,
       registered_at timestamptz NOT NULL,
       updated_at timestamptz NOT NULL,
       PRIMARY KEY (tenant_id, asset_id))`,
    `CREATE INDEX assets_by_kind ON ${s}.assets (tenant_id, kind, environment)`,
    `CREATE TABLE ${s}.relationships (
       tenant_id text NOT NULL,
       relationship_id text NOT NULL,
       type text NOT NULL,
       from_id text NOT NULL,
       from_kind text NOT NULL,
       to_id text NOT NULL,
       to_kind text NOT NULL,
       source text NOT NULL,
       version integer NOT NULL,
       first_seen_at timestamptz NOT NULL,
       last_seen_at timestamptz NOT NULL,
       valid_until timestamptz,
       ended_at timestamptz,
       PRIMARY KEY (tenant_id, relationship_id))`,
    `CREATE INDEX relationships_from ON ${s}.relationships (tenant_id, from_id)`,
    `CREATE INDEX relationships_to ON ${s}.relationships (tenant_id, to_id)`,
    `CREATE TABLE ${s}.runtime_sightings (
       tenant_id text NOT NULL,
       observed_kind text NOT NULL,
       name text NOT NULL,
       environment text NOT NULL,
       via_agent text NOT NULL,
       provider text,
       workflow text,
       first_seen_at timestamptz NOT NULL,
       last_seen_at timestamptz NOT NULL,
       example_trace_id text NOT NULL,
       matched_asset_id text,
       PRIMARY KEY (tenant_id, observed_kind, name, environment, via_agent))`,
    `CREATE TABLE ${s}.runtime_findings (
       tenant_id text NOT NULL,
       finding text NOT NULL CHECK (finding IN ('unregistered-asset-seen', 'registered-asset-unseen', 'scope-drift-detected')),
       subject text NOT NULL,
       detail jsonb NOT NULL,
       detected_at timestamptz NOT NULL,
       PRIMARY KEY (tenant_id, finding, subject))`,
  ];
}
