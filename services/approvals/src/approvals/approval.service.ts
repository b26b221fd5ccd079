import { Inject, Injectable } from '@nestjs/common';
import {
  ApprovalCancelledV1,
  ApprovalDeniedV1,
  ApprovalExpiredV1,
  ApprovalGrantedV1,
  ApprovalRequested,
  ApprovalRequestedV1,
  createEnvelope,
  EventEnvelope,
} from '@estate/contracts';
import { ident } from '@estate/projection';
import { AppError, PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions, withTransaction } from '@estate/service-kit';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { appendToOutbox } from '../outbox/outbox';
import { OutboxRelayHost } from '../outbox/outbox-relay.host';
import { ApprovalRow, assertApprover, assertDecidable, assertNotRequester, assertValidPath, toView } from './approval-state';

/** An approval request as a caller states it; the service adds the id, requester and expiry time. */
export type NewApproval = Omit<ApprovalRequested, 'version' | 'approvalId' | 'requestedBy' | 'expiresAt'> & { expiresInSeconds: number };

export interface Approver {
  role: string;
  keyId: string;
  /** A person's name when the caller gives one; the key id otherwise. */
  name?: string;
}

/** A row to insert: the requested event's fields and, for approvals requested through the API, the requesting key. */
export type ApprovalInsert = Omit<ApprovalRequested, 'version'> & { requesterKeyId?: string };

const MAX_GRANT_SECONDS = 24 * 3600;

/**
 * Approval commands. Each takes the approval's row lock, checks it is still
 * pending, moves it with `UPDATE ... WHERE version = $expected`, and writes
 * the event to the outbox in the same transaction; the relay publishes it
 * after commit.
 */
@Injectable()
export class ApprovalService {
  private readonly s: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly relay: OutboxRelayHost,
  ) {
    this.s = ident(options.schema);
  }

  /** Creates an approval; repeating the same id returns the stored one unchanged. */
  async request(tenantId: string, payload: ApprovalInsert) {
    const created = await withTransaction(this.pool, this.logger, async (client) => {
      const inserted = await insertApprovals(client, this.options.schema, tenantId, [payload], this.options.name);
      return inserted;
    });
    void this.relay.kick();
    return created;
  }

  /** Creates an approval under a fresh `apr-<uuid v7>` id and returns its view. */
  async create(tenantId: string, input: NewApproval, requester: { role: string; keyId: string }) {
    assertValidPath(input.path);
    const { expiresInSeconds, ...fields } = input;
    const requestedBy = `${requester.role}:${requester.keyId}`;
    const approvalId = `apr-${uuidv7()}`;
    const expiresAt = new Date(Date.now() + expiresInSeconds * 1000).toISOString();
    await this.request(tenantId, { ...fields, approvalId, requestedBy, expiresAt, requesterKeyId: requester.keyId });
    return this.get(tenantId, approvalId);
  }

  async get(tenantId: string, approvalId: string) {
    const row = await this.load(this.pool, tenantId, approvalId);
    if (!row) throw new AppError('not_found', `approval ${approvalId} not found`, 'approvalId');
    return toView(row, await this.votes(tenantId, approvalId));
  }

  async list(tenantId: string, state: string | undefined) {
    const { rows } = await this.pool.query<ApprovalRow>(
      `SELECT * FROM ${this.s}.approvals WHERE tenant_id = $1 AND ($2::text IS NULL OR state = $2) ORDER BY requested_at DESC LIMIT 200`,
      [tenantId, state ?? null],
    );
    return rows.map((r) => toView(r));
  }

  /**
   * Records an approver's vote; the approval is granted when distinct votes
   * reach the path's quorum. A second vote by the same approver is rejected.
   */
  async approve(tenantId: string, approvalId: string, approver: Approver, comment: string | undefined, grantValidSeconds: number) {
    if (grantValidSeconds < 1 || grantValidSeconds > MAX_GRANT_SECONDS) {
      throw new AppError('invalid_argument', `grantValidSeconds must be between 1 and ${MAX_GRANT_SECONDS}`, 'grantValidSeconds');
    }
    const result = await withTransaction(this.pool, this.logger, async (client) => {
      const now = new Date();
      const approval = assertDecidable(await this.load(client, tenantId, approvalId, true), approvalId, now);
      assertNotRequester(approval, approver);
      assertApprover(approval, approver.role);
      const who = approver.name ?? `${approver.role}:${approver.keyId}`;
      await this.assertFirstVoteOfKey(client, tenantId, approvalId, approver.keyId);
      const vote = await client.query(
        `INSERT INTO ${this.s}.approval_votes (tenant_id, approval_id, approver, role, voted_at, key_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [tenantId, approvalId, who, approver.role, now, approver.keyId],
      );
      if (vote.rowCount === 0) throw new AppError('conflict', `${who} already approved ${approvalId}; a second approver must vote`, 'approvalId');
      const votes = await this.votes(tenantId, approvalId, client);
      if (votes.length < approval.path.required) return { ...toView(approval, votes), votesNeeded: approval.path.required - votes.length };

      const grantExpiresAt = new Date(now.getTime() + grantValidSeconds * 1000).toISOString();
      const event = this.event(approval, ApprovalGrantedV1.type, { scope: approval.scope, approvers: votes, grantExpiresAt, comment });
      return this.transition(client, approval, 'granted', who, comment ?? null, event, now);
    });
    void this.relay.kick();
    return result;
  }

  /**
   * Rejects a second vote from the same API key. Approver names are free
   * text, so only distinct keys make a quorum of distinct approvers. The
   * caller has locked the approval row FOR UPDATE, and a unique index on the key
   * backs this check.
   */
  private async assertFirstVoteOfKey(client: PoolClient, tenantId: string, approvalId: string, keyId: string): Promise<void> {
    const { rows } = await client.query<{ approver: string }>(
      `SELECT approver FROM ${this.s}.approval_votes WHERE tenant_id = $1 AND approval_id = $2 AND key_id = $3`,
      [tenantId, approvalId, keyId],
    );
    if (rows.length === 0) return;
    throw new AppError(
      'conflict',
      `this API key already voted on ${approvalId} as ${rows[0].approver}; each vote toward the quorum must come from a different approver's own key`,
      'approvalId',
    );
  }

  async deny(tenantId: string, approvalId: string, approver: Approver, reason: string) {
    const result = await withTransaction(this.pool, this.logger, async (client) => {
      const now = new Date();
      const approval = assertDecidable(await this.load(client, tenantId, approvalId, true), approvalId, now);
      assertNotRequester(approval, approver);
      assertApprover(approval, approver.role);
      // A denial is this key's vote too, so a key that already approved cannot deny under another name.
      await this.assertFirstVoteOfKey(client, tenantId, approvalId, approver.keyId);
      const who = approver.name ?? `${approver.role}:${approver.keyId}`;
      return this.transition(client, approval, 'denied', who, reason, this.event(approval, ApprovalDeniedV1.type, { deniedBy: who, reason }), now);
    });
    void this.relay.kick();
    return result;
  }

  async cancel(tenantId: string, approvalId: string, actor: string, reason: string) {
    const result = await withTransaction(this.pool, this.logger, async (client) => {
      const now = new Date();
      const approval = assertDecidable(await this.load(client, tenantId, approvalId, true), approvalId, now);
      return this.transition(client, approval, 'cancelled', actor, reason, this.event(approval, ApprovalCancelledV1.type, { cancelledBy: actor, reason }), now);
    });
    void this.relay.kick();
    return result;
  }

  /** Expires pending approvals past their expiry; returns how many. Run by the scheduler. */
  async expireDue(now: Date): Promise<number> {
    const expired = await withTransaction(this.pool, this.logger, async (client) => {
      const { rows } = await client.query<ApprovalRow>(
        `SELECT * FROM ${this.s}.approvals WHERE state = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT 500 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      for (const approval of rows) {
        const event = this.event(approval, ApprovalExpiredV1.type, { expiredAt: now.toISOString() });
        await this.transition(client, approval, 'expired', 'scheduler', null, event, now);
      }
      return rows.length;
    });
    if (expired > 0) void this.relay.kick();
    return expired;
  }

  private event(approval: ApprovalRow, type: string, fields: object): EventEnvelope {
    const payload = {
      approvalId: approval.approval_id,
      version: approval.version + 1,
      traceId: approval.trace_id ?? undefined,
      spanId: approval.span_id ?? undefined,
      decisionId: approval.decision_id ?? undefined,
      ...fields,
    };
    return createEnvelope({
      type, schemaVersion: 1, tenantId: approval.tenant_id, producer: this.options.name, key: approval.approval_id,
      correlationId: approval.trace_id ?? undefined, payload,
    });
  }

  private async transition(client: PoolClient, approval: ApprovalRow, state: string, actor: string, note: string | null, event: EventEnvelope, now: Date) {
    const updated = await client.query<ApprovalRow>(
      `UPDATE ${this.s}.approvals SET state = $4, version = version + 1, decided_by = $5, decided_at = $6, decision_note = $7
        WHERE tenant_id = $1 AND approval_id = $2 AND version = $3 AND state = 'pending' RETURNING *`,
      [approval.tenant_id, approval.approval_id, approval.version, state, actor, now, note],
    );
    if (updated.rowCount === 0) {
      throw new AppError('version_conflict', `approval ${approval.approval_id} changed while it was being decided; reload it and retry`);
    }
    await appendToOutbox(client, this.options.schema, [{ aggregateId: approval.approval_id, version: approval.version + 1, envelope: event }]);
    return toView(updated.rows[0], await this.votes(approval.tenant_id, approval.approval_id, client));
  }

  private async load(client: Pool | PoolClient, tenantId: string, approvalId: string, lock = false): Promise<ApprovalRow | undefined> {
    const { rows } = await client.query<ApprovalRow>(
      `SELECT * FROM ${this.s}.approvals WHERE tenant_id = $1 AND approval_id = $2${lock ? ' FOR UPDATE' : ''}`,
      [tenantId, approvalId],
    );
    return rows[0];
  }

  private async votes(tenantId: string, approvalId: string, client: Pool | PoolClient = this.pool): Promise<string[]> {
    const { rows } = await client.query<{ approver: string }>(
      `SELECT approver FROM ${this.s}.approval_votes WHERE tenant_id = $1 AND approval_id = $2 ORDER BY voted_at, approver`,
      [tenantId, approvalId],
    );
    return rows.map((r) => r.approver);
  }
}

/**
 * Inserts approvals at version 1 with their `approval.requested` events, in
 * one statement each; ids already present are left as they are. Shared by
 * the API and the decision-event consumer.
 */
export async function insertApprovals(
  client: PoolClient,
  schema: string,
  tenantId: string,
  requests: ApprovalInsert[],
  producer: string,
): Promise<string[]> {
  if (requests.length === 0) return [];
  const s = ident(schema);
  const { rows } = await client.query<{ approval_id: string }>(
    `INSERT INTO ${s}.approvals (tenant_id, approval_id, state, version, decision_id, trace_id, span_id, scope, path,
                                 context_snapshot, reasons, requested_by, requested_at, expires_at, requested_by_key_id)
     SELECT $1, t.id, 'pending', 1, t.decision, t.trace, t.span, t.scope, t.path, t.snapshot,
            ARRAY(SELECT jsonb_array_elements_text(t.reasons)), t.requested_by, now(), t.expires, t.key_id
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::jsonb[], $9::jsonb[], $10::text[], $11::timestamptz[], $12::text[])
            AS t(id, decision, trace, span, scope, path, snapshot, reasons, requested_by, expires, key_id)
     ON CONFLICT (tenant_id, approval_id) DO NOTHING
     RETURNING approval_id`,
    [
      tenantId,
      requests.map((r) => r.approvalId),
      requests.map((r) => r.decisionId ?? null),
      requests.map((r) => r.traceId ?? null),
      requests.map((r) => r.spanId ?? null),
      requests.map((r) => JSON.stringify(r.scope)),
      requests.map((r) => JSON.stringify(r.path)),
      requests.map((r) => JSON.stringify(r.contextSnapshot)),
      requests.map((r) => JSON.stringify(r.reasons)),
      requests.map((r) => r.requestedBy),
      requests.map((r) => r.expiresAt),
      requests.map((r) => r.requesterKeyId ?? null),
    ],
  );
  const created = new Set(rows.map((r) => r.approval_id));
  await appendToOutbox(
    client,
    schema,
    requests
      .filter((r) => created.has(r.approvalId))
      .map(({ requesterKeyId: _keyId, ...r }) => ({
        aggregateId: r.approvalId,
        version: 1,
        envelope: createEnvelope({
          type: ApprovalRequestedV1.type, schemaVersion: 1, tenantId, producer, key: r.approvalId, correlationId: r.traceId,
          payload: { ...r, version: 1 },
        }),
      })),
  );
  return [...created];
}
