import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  createEnvelope,
  ExceptionScope,
  ExceptionWindowClosedV1,
  ExceptionWindowExpiredV1,
  ExceptionWindowOpenedV1,
} from '@estate/contracts';
import { ident } from '@estate/projection';
import { AppError, PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions, withTransaction } from '@estate/service-kit';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { appendToOutbox } from '../outbox/outbox';
import { OutboxRelayHost } from '../outbox/outbox-relay.host';
import { PolicyIdCatalog, unknownPolicyIdsMessage } from '../policy-ids/policy-id-catalog';

interface WindowRow {
  tenant_id: string;
  window_id: string;
  state: 'open' | 'closed' | 'expired';
  version: number;
  policy_ids: string[];
  scope: ExceptionScope;
  owner: string;
  reason: string;
  starts_at: Date;
  ends_at: Date;
  opened_by: string;
  closed_by: string | null;
  closed_at: Date | null;
}

export interface OpenWindowInput {
  policyIds: string[];
  scope: ExceptionScope;
  owner: string;
  reason: string;
  startsAt?: string;
  endsAt: string;
}

const MAX_WINDOW_DAYS = 90;

/** Exception windows: opened, then closed or expired exactly once, each as an outbox event. */
@Injectable()
export class WindowService {
  private readonly s: string;
  private readonly policyIds: PolicyIdCatalog;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly relay: OutboxRelayHost,
  ) {
    this.s = ident(options.schema);
    this.policyIds = new PolicyIdCatalog(pool, options.schema);
  }

  async open(tenantId: string, input: OpenWindowInput, actor: string) {
    const now = new Date();
    const startsAt = input.startsAt ? new Date(input.startsAt) : now;
    const endsAt = new Date(input.endsAt);
    if (endsAt.getTime() <= Math.max(now.getTime(), startsAt.getTime())) {
      throw new AppError('invalid_argument', 'endsAt must be after now and after startsAt', 'endsAt');
    }
    if (endsAt.getTime() - startsAt.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
      throw new AppError('invalid_argument', `an exception window may last at most ${MAX_WINDOW_DAYS} days; open a new one when it ends`, 'endsAt');
    }
    const unknown = await this.policyIds.unknownIds(tenantId, input.policyIds);
    if (unknown.length > 0) throw new AppError('invalid_argument', unknownPolicyIdsMessage(unknown), 'policyIds');
    const windowId = `win-${randomUUID()}`;
    const view = await withTransaction(this.pool, this.logger, async (client) => {
      const { rows } = await client.query<WindowRow>(
        `INSERT INTO ${this.s}.exception_windows (tenant_id, window_id, state, version, policy_ids, scope, owner, reason, starts_at, ends_at, opened_by)
         VALUES ($1, $2, 'open', 1, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [tenantId, windowId, input.policyIds, JSON.stringify(input.scope), input.owner, input.reason, startsAt, endsAt, actor],
      );
      const payload = {
        windowId, version: 1, policyIds: input.policyIds, scope: input.scope, owner: input.owner, reason: input.reason,
        startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), openedBy: actor,
      };
      await this.append(client, tenantId, windowId, 1, ExceptionWindowOpenedV1.type, payload);
      return toView(rows[0]);
    });
    void this.relay.kick();
    return view;
  }

  async close(tenantId: string, windowId: string, actor: string, reason: string) {
    const view = await withTransaction(this.pool, this.logger, async (client) => {
      const { rows } = await client.query<WindowRow>(`SELECT * FROM ${this.s}.exception_windows WHERE tenant_id = $1 AND window_id = $2 FOR UPDATE`, [tenantId, windowId]);
      const window = rows[0];
      if (!window) throw new AppError('not_found', `exception window ${windowId} not found`, 'windowId');
      if (window.state !== 'open') throw new AppError('conflict', `exception window ${windowId} is already ${window.state}`, 'windowId');
      const updated = await this.end(client, window, 'closed', actor);
      await this.append(client, tenantId, windowId, window.version + 1, ExceptionWindowClosedV1.type, { windowId, version: window.version + 1, closedBy: actor, reason });
      return updated;
    });
    void this.relay.kick();
    return view;
  }

  /** Open windows ending within `withinHours`, soonest first. */
  async endingSoon(tenantId: string, withinHours: number) {
    const { rows } = await this.pool.query<WindowRow>(
      `SELECT * FROM ${this.s}.exception_windows
        WHERE tenant_id = $1 AND state = 'open' AND ends_at <= now() + make_interval(secs => $2)
        ORDER BY ends_at LIMIT 500`,
      [tenantId, withinHours * 3600],
    );
    return rows.map(toView);
  }

  async get(tenantId: string, windowId: string) {
    const { rows } = await this.pool.query<WindowRow>(`SELECT * FROM ${this.s}.exception_windows WHERE tenant_id = $1 AND window_id = $2`, [tenantId, windowId]);
    if (!rows[0]) throw new AppError('not_found', `exception window ${windowId} not found`, 'windowId');
    return toView(rows[0]);
  }

  /** Expires open windows past their end; returns how many. Run by the scheduler. */
  async expireDue(now: Date): Promise<number> {
    const count = await withTransaction(this.pool, this.logger, async (client) => {
      const { rows } = await client.query<WindowRow>(
        `SELECT * FROM ${this.s}.exception_windows WHERE state = 'open' AND ends_at <= $1 ORDER BY ends_at LIMIT 500 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      for (const window of rows) {
        await this.end(client, window, 'expired', 'scheduler');
        const payload = { windowId: window.window_id, version: window.version + 1, endedAt: window.ends_at.toISOString() };
        await this.append(client, window.tenant_id, window.window_id, window.version + 1, ExceptionWindowExpiredV1.type, payload);
      }
      return rows.length;
    });
    if (count > 0) void this.relay.kick();
    return count;
  }

  private async end(client: PoolClient, window: WindowRow, state: 'closed' | 'expired', actor: string) {
    const { rows } = await client.query<WindowRow>(
      `UPDATE ${this.s}.exception_windows SET state = $4, version = version + 1, closed_by = $5, closed_at = now()
        WHERE tenant_id = $1 AND window_id = $2 AND version = $3 AND state = 'open' RETURNING *`,
      [window.tenant_id, window.window_id, window.version, state, actor],
    );
    if (!rows[0]) throw new AppError('version_conflict', `exception window ${window.window_id} changed concurrently; retry`);
    return toView(rows[0]);
  }

  private append(client: PoolClient, tenantId: string, windowId: string, version: number, type: string, payload: object) {
    const envelope = createEnvelope({ type, schemaVersion: 1, tenantId, producer: this.options.name, key: windowId, payload });
    return appendToOutbox(client, this.options.schema, [{ aggregateId: windowId, version, envelope }]);
  }
}

function toView(row: WindowRow) {
  return {
    windowId: row.window_id, state: row.state, version: row.version, policyIds: row.policy_ids, scope: row.scope,
    owner: row.owner, reason: row.reason, startsAt: row.starts_at.toISOString(), endsAt: row.ends_at.toISOString(),
    openedBy: row.opened_by, closedBy: row.closed_by ?? undefined, closedAt: row.closed_at?.toISOString(),
  };
}
