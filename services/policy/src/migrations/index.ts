import { accessDdl } from '@estate/access';
import { ident, projectionBookkeepingDdl } from '@estate/projection';
import { sqlMigration } from '@estate/service-kit';

/** Append-only: add a new migration for every schema change; never edit one that has shipped. */
export const migrations = [
  sqlMigration('Foundation1764806400000', (schema) => [...projectionBookkeepingDdl(schema), ...accessDdl(schema)]),
  sqlMigration('PolicyBundles1764900000000', (schema) => {
    const s = ident(schema);
    return [
      // One bundle per tenant; versions count up from 1 and are never rewritten.
      `CREATE TABLE ${s}.bundle_versions (
         tenant_id text NOT NULL,
         version integer NOT NULL,
         policies text NOT NULL,
         schema_text text NOT NULL,
         tools jsonb NOT NULL,
         sha256 text NOT NULL,
         policy_ids text[] NOT NULL,
         description text,
         published_by text NOT NULL,
         published_at timestamptz NOT NULL,
         PRIMARY KEY (tenant_id, version))`,
      // Activation history; the last row per tenant is the active version, and rollback steps back one row.
      `CREATE TABLE ${s}.bundle_activations (
         tenant_id text NOT NULL,
         seq integer NOT NULL,
         version integer NOT NULL,
         kind text NOT NULL CHECK (kind IN ('activated', 'rolled-back')),
         actor text NOT NULL,
         at timestamptz NOT NULL,
         PRIMARY KEY (tenant_id, seq))`,
      `CREATE TABLE ${s}.tool_definitions (
         tenant_id text NOT NULL,
         tool_name text NOT NULL,
         mcp_server text,
         definition jsonb NOT NULL,
         definition_hash text NOT NULL,
         imported_by text NOT NULL,
         imported_at timestamptz NOT NULL,
         PRIMARY KEY (tenant_id, tool_name))`,
      `CREATE TABLE ${s}.entities (
         tenant_id text NOT NULL,
         entity_type text NOT NULL,
         entity_id text NOT NULL,
         attrs jsonb NOT NULL,
         parents jsonb NOT NULL,
         content_hash text NOT NULL,
         updated_at timestamptz NOT NULL,
         PRIMARY KEY (tenant_id, entity_type, entity_id))`,
      // Read models of approval events: grants the decision point honours, and exception windows.
      `CREATE TABLE ${s}.approval_grants (
         tenant_id text NOT NULL,
         approval_id text NOT NULL,
         scope_key text NOT NULL,
         grant_expires_at timestamptz NOT NULL,
         approvers text[] NOT NULL,
         trace_id text,
         granted_at timestamptz NOT NULL,
         PRIMARY KEY (tenant_id, approval_id))`,
      `CREATE INDEX approval_grants_scope ON ${s}.approval_grants (tenant_id, scope_key, grant_expires_at)`,
      `CREATE TABLE ${s}.exception_windows (
         tenant_id text NOT NULL,
         window_id text NOT NULL,
         policy_ids text[] NOT NULL,
         principal_type text, principal_id text,
         resource_type text, resource_id text,
         environment text,
         owner text NOT NULL,
         reason text NOT NULL,
         starts_at timestamptz NOT NULL,
         ends_at timestamptz NOT NULL,
         state text NOT NULL CHECK (state IN ('open', 'closed', 'expired')),
         version integer NOT NULL,
         PRIMARY KEY (tenant_id, window_id))`,
      `CREATE INDEX exception_windows_open ON ${s}.exception_windows (tenant_id, ends_at) WHERE state = 'open'`,
    ];
  }),
  sqlMigration('InventoryAndBudgets1765100000000', (schema) => {
    const s = ident(schema);
    return [
      // Inventory state the policy entities are derived from; Cedar ids are asset names, as runtimes call them.
      `CREATE TABLE ${s}.inventory_assets (
         tenant_id text NOT NULL,
         asset_id text NOT NULL,
         kind text NOT NULL,
         name text NOT NULL,
         version integer NOT NULL,
         snapshot jsonb NOT NULL,
         retired boolean NOT NULL,
         definition_drifted boolean NOT NULL DEFAULT false,
         PRIMARY KEY (tenant_id, asset_id))`,
      `CREATE INDEX inventory_assets_name ON ${s}.inventory_assets (tenant_id, kind, name)`,
      `CREATE TABLE ${s}.inventory_relationships (
         tenant_id text NOT NULL,
         relationship_id text NOT NULL,
         type text NOT NULL,
         from_id text NOT NULL,
         to_id text NOT NULL,
         version integer NOT NULL,
         ended boolean NOT NULL,
         PRIMARY KEY (tenant_id, relationship_id))`,
      `CREATE INDEX inventory_relationships_from ON ${s}.inventory_relationships (tenant_id, from_id)`,
      `CREATE INDEX inventory_relationships_to ON ${s}.inventory_relationships (tenant_id, to_id)`,
      // Entities written by the inventory projection are replaced or deleted by it; API-written ones are left alone.
      `ALTER TABLE ${s}.entities ADD COLUMN source text NOT NULL DEFAULT 'api'`,
      // Bumped in the transaction of every entity write, so replicas reload a tenant only when it moved.
      `CREATE TABLE ${s}.entity_revisions (tenant_id text PRIMARY KEY, revision bigint NOT NULL)`,
      `CREATE TABLE ${s}.budget_states (
         tenant_id text NOT NULL,
         budget_id text NOT NULL,
         period_key text NOT NULL,
         scope jsonb NOT NULL,
         state text NOT NULL,
         changed_at timestamptz NOT NULL,
         PRIMARY KEY (tenant_id, budget_id))`,
    ];
  }),
  sqlMigration('ApprovalPaths1765500000000', (schema) => {
    const s = ident(schema);
    return [
      // The path each approval was requested under, from approval.requested; a grant is honoured only when
      // its path is as strict as the gates it would lift, and a grant without a known path never is.
      `CREATE TABLE ${s}.approval_paths (
         tenant_id text NOT NULL,
         approval_id text NOT NULL,
         roles text[] NOT NULL,
         teams text[] NOT NULL,
         required integer NOT NULL,
         PRIMARY KEY (tenant_id, approval_id))`,
    ];
  }),
];
