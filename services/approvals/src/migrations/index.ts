import { accessDdl } from '@estate/access';
import { ident, projectionBookkeepingDdl } from '@estate/projection';
import { sqlMigration } from '@estate/service-kit';

/** Append-only: add a new migration for every schema change; never edit one that has shipped. */
export const migrations = [
  sqlMigration('Foundation1764806400000', (schema) => [...projectionBookkeepingDdl(schema), ...accessDdl(schema)]),
  sqlMigration('ApprovalsAndWindows1764900000000', (schema) => {
    const s = ident(schema);
    return [
      // Current state of each approval; `version` is the optimistic-concurrency guard every command checks.
      `CREATE TABLE ${s}.approvals (
         tenant_id text NOT NULL,
         approval_id text NOT NULL,
         state text NOT NULL CHECK (state IN ('pending', 'granted', 'denied', 'cancelled', 'expired')),
         version integer NOT NULL,
         decision_id text,
         trace_id text,
         span_id text,
         scope jsonb NOT NULL,
         path jsonb NOT NULL,
         context_snapshot jsonb NOT NULL,
         reasons text[] NOT NULL,
         requested_by text NOT NULL,
         requested_at timestamptz NOT NULL,
         expires_at timestamptz NOT NULL,
         decided_by text,
         decided_at timestamptz,
         decision_note text,
         PRIMARY KEY (tenant_id, approval_id))`,
      `CREATE INDEX approvals_pending_expiry ON ${s}.approvals (expires_at) WHERE state = 'pending'`,
      `CREATE TABLE ${s}.approval_votes (
         tenant_id text NOT NULL,
         approval_id text NOT NULL,
         approver text NOT NULL,
         role text NOT NULL,
         voted_at timestamptz NOT NULL,
         PRIMARY KEY (tenant_id, approval_id, approver))`,
      `CREATE TABLE ${s}.exception_windows (
         tenant_id text NOT NULL,
         window_id text NOT NULL,
         state text NOT NULL CHECK (state IN ('open', 'closed', 'expired')),
         version integer NOT NULL,
         policy_ids text[] NOT NULL,
         scope jsonb NOT NULL,
         owner text NOT NULL,
         reason text NOT NULL,
         starts_at timestamptz NOT NULL,
         ends_at timestamptz NOT NULL,
         opened_by text NOT NULL,
         closed_by text,
         closed_at timestamptz,
         PRIMARY KEY (tenant_id, window_id))`,
      `CREATE INDEX exception_windows_open_end ON ${s}.exception_windows (ends_at) WHERE state = 'open'`,
      // Transactional outbox: one row per event, written in the command's transaction.
      // The unique (aggregate_id, version) rejects a second event for the same version of an aggregate.
      `CREATE TABLE ${s}.outbox (
         seq bigserial PRIMARY KEY,
         tenant_id text NOT NULL,
         aggregate_id text NOT NULL,
         version integer NOT NULL,
         envelope jsonb NOT NULL,
         published_at timestamptz,
         UNIQUE (tenant_id, aggregate_id, version))`,
      `CREATE INDEX outbox_unpublished ON ${s}.outbox (seq) WHERE published_at IS NULL`,
    ];
  }),
  sqlMigration('ApprovalRequesterKey1765500000000', (schema) => [
    // The API key that requested the approval, so that key can never decide it; null for approvals created from decisions.
    `ALTER TABLE ${ident(schema)}.approvals ADD COLUMN requested_by_key_id text`,
  ]),
  sqlMigration('BundlePolicyIds1765600000000', (schema) => [
    // Every policy id a tenant has published, so exception windows can reject ids no bundle defines.
    `CREATE TABLE ${ident(schema)}.bundle_policy_ids (
       tenant_id text NOT NULL,
       policy_id text NOT NULL,
       first_version text NOT NULL,
       PRIMARY KEY (tenant_id, policy_id))`,
  ]),
  sqlMigration('ApprovalVoteKey1796515200000', (schema) => [
    // The API key behind each vote: one key casts at most one vote per approval, whatever approver name it gives.
    `ALTER TABLE ${ident(schema)}.approval_votes ADD COLUMN key_id text`,
    `CREATE UNIQUE INDEX approval_votes_one_per_key ON ${ident(schema)}.approval_votes (tenant_id, approval_id, key_id) WHERE key_id IS NOT NULL`,
  ]),
];
