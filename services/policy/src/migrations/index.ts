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
];
