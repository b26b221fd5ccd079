import { createEnvelope, encodeEvent, EventEnvelope } from '@estate/contracts';
import { ident } from '@estate/projection';
import { AppError, requireEventsFit } from '@estate/service-kit';
import type { Pool, PoolClient } from 'pg';

export type AggregateType = 'asset' | 'relationship';

/** One change to one aggregate: its state after the event, and the event that records it. */
export interface AggregateChange {
  tenantId: string;
  aggregateId: string;
  aggregateType: AggregateType;
  kind: string;
  name: string;
  /** 0 when the aggregate is new. */
  expectedVersion: number;
  state: { version: number };
  event: { type: string; payload: object; key: string; changedBy: string };
}

/** Stored state of one aggregate, as commands read it. */
export interface StoredAggregate<S> {
  aggregateId: string;
  kind: string;
  name: string;
  version: number;
  state: S;
}

/**
 * Appends changes to the inventory's event table and outbox in one Postgres
 * transaction. A change to an existing aggregate is an UPDATE guarded by the
 * expected version, so of two writers holding the same version exactly one
 * wins and the other gets `version_conflict`; the unique (aggregate,
 * version) key on `asset_events` backs that up. Either every change of a
 * command lands or none does.
 */
export class EventStore {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly producer: string,
    private readonly onCommitted: () => void,
  ) {}

  async append(changes: AggregateChange[], correlationId?: string): Promise<EventEnvelope[]> {
    return this.transaction(async (client) => {
      const envelopes: EventEnvelope[] = [];
      for (const change of changes) envelopes.push(await appendChange(client, this.schema, this.producer, change, correlationId));
      return envelopes;
    });
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      this.onCommitted();
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async load<S>(tenantId: string, aggregateId: string, client: Pool | PoolClient = this.pool): Promise<StoredAggregate<S> | undefined> {
    const result = await client.query(
      `SELECT aggregate_id, kind, name, version, state FROM ${ident(this.schema)}.aggregates WHERE tenant_id = $1 AND aggregate_id = $2`,
      [tenantId, aggregateId],
    );
    const row = result.rows[0];
    return row ? { aggregateId: row.aggregate_id, kind: row.kind, name: row.name, version: row.version, state: row.state as S } : undefined;
  }

  async loadMany<S>(tenantId: string, aggregateIds: string[]): Promise<Map<string, StoredAggregate<S>>> {
    const result = await this.pool.query(
      `SELECT aggregate_id, kind, name, version, state FROM ${ident(this.schema)}.aggregates WHERE tenant_id = $1 AND aggregate_id = ANY($2)`,
      [tenantId, aggregateIds],
    );
    return new Map(result.rows.map((row) => [row.aggregate_id, { aggregateId: row.aggregate_id, kind: row.kind, name: row.name, version: row.version, state: row.state as S }]));
  }

  async history(tenantId: string, aggregateId: string): Promise<Array<{ version: number; eventId: string; type: string; changedBy: string; recordedAt: string; payload: unknown }>> {
    const result = await this.pool.query(
      `SELECT version, event_id, type, changed_by, recorded_at, payload FROM ${ident(this.schema)}.asset_events
       WHERE tenant_id = $1 AND aggregate_id = $2 ORDER BY version`,
      [tenantId, aggregateId],
    );
    return result.rows.map((r) => ({ version: r.version, eventId: r.event_id, type: r.type, changedBy: r.changed_by, recordedAt: new Date(r.recorded_at).toISOString(), payload: r.payload }));
  }
}

/**
 * Appends one change inside the caller's transaction: the version-guarded
 * aggregate write, the event row and the outbox row. Commands reach it
 * through EventStore.append; the runtime projection calls it directly so
 * observed relationships commit with the projection's offsets.
 */
export async function appendChange(client: PoolClient, schema: string, producer: string, change: AggregateChange, correlationId?: string): Promise<EventEnvelope> {
  const s = ident(schema);
  const { tenantId, aggregateId, expectedVersion, state } = change;
  if (expectedVersion === 0) {
    const inserted = await client.query(
      `INSERT INTO ${s}.aggregates (tenant_id, aggregate_id, aggregate_type, kind, name, version, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [tenantId, aggregateId, change.aggregateType, change.kind, change.name, state.version, state],
    );
    if (inserted.rowCount === 0) throw new AppError('conflict', `${change.aggregateType} ${aggregateId} already exists`, 'id');
  } else {
    const updated = await client.query(
      `UPDATE ${s}.aggregates SET version = $4, state = $5, name = $6
       WHERE tenant_id = $1 AND aggregate_id = $2 AND version = $3`,
      [tenantId, aggregateId, expectedVersion, state.version, state, change.name],
    );
    if (updated.rowCount === 0) await explainMissedUpdate(client, schema, change);
  }

  const envelope = createEnvelope({
    type: change.event.type,
    schemaVersion: 1,
    tenantId,
    producer,
    key: change.event.key,
    payload: change.event.payload,
    correlationId,
  });
  // Validates the payload against its contract now, so a bad event fails the command instead of the relay.
  encodeEvent(envelope);
  await client.query(
    `INSERT INTO ${s}.asset_events (tenant_id, aggregate_id, version, event_id, type, changed_by, recorded_at, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [tenantId, aggregateId, state.version, envelope.eventId, envelope.type, change.event.changedBy, envelope.recordedAt, envelope.payload],
  );
  await insertOutbox(client, schema, [envelope]);
  return envelope;
}

async function explainMissedUpdate(client: PoolClient, schema: string, change: AggregateChange): Promise<never> {
  const current = await client.query<{ version: number }>(
    `SELECT version FROM ${ident(schema)}.aggregates WHERE tenant_id = $1 AND aggregate_id = $2`,
    [change.tenantId, change.aggregateId],
  );
  if (current.rowCount === 0) throw new AppError('not_found', `${change.aggregateType} ${change.aggregateId} does not exist`, 'id');
  throw new AppError(
    'version_conflict',
    `${change.aggregateType} ${change.aggregateId} is at version ${current.rows[0].version}, not ${change.expectedVersion}; read it again and retry with its current version`,
    'expectedVersion',
  );
}

/** Queues envelopes for the relay inside the caller's transaction. */
export async function insertOutbox(client: PoolClient, schema: string, envelopes: EventEnvelope[]): Promise<void> {
  if (envelopes.length === 0) return;
  const json = envelopes.map((e) => JSON.stringify(e));
  requireEventsFit(envelopes, json);
  await client.query(`INSERT INTO ${ident(schema)}.outbox (event_id, envelope) SELECT * FROM unnest($1::uuid[], $2::jsonb[])`, [envelopes.map((e) => e.eventId), json]);
}
