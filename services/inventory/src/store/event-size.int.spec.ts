import { randomUUID } from 'node:crypto';
import { EventEnvelope, MAX_EVENT_BYTES } from '@estate/contracts';
import { ident } from '@estate/projection';
import { PG_POOL } from '@estate/service-kit';
import type { Pool } from 'pg';
import { InventoryTestContext, startInventory, waitForAsset } from '../../test/inventory-test-client';

jest.setTimeout(90_000);

describe('events too large for Kafka', () => {
  let ctx: InventoryTestContext;
  let pool: Pool;
  let outbox: string;

  beforeAll(async () => {
    ctx = await startInventory();
    pool = ctx.service.app.get(PG_POOL);
    outbox = `${ident(ctx.service.options.schema)}.outbox`;
  });

  afterAll(() => ctx.stop());

  it('returns 413, stores nothing', async () => {
    const huge = await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'tool', name: 'huge-attributes', attributes: { blob: 'x'.repeat(MAX_EVENT_BYTES) } } });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('payload_too_large');
    expect(huge.body.message).toContain(`limited to ${MAX_EVENT_BYTES} bytes`);

    const stored = await pool.query(`SELECT count(*)::int AS n FROM ${outbox} WHERE envelope->'payload'->>'name' = 'huge-attributes'`);
    expect(stored.rows[0].n).toBe(0);
  });

  it('limits the number of labels', async () => {
    const labels = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, 'v']));
    const many = await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'tool', name: 'many-labels', labels } });
    expect(many.status).toBe(400);
    expect(many.body.field).toBe('labels');
    expect(many.body.message).toContain('at most 200');

    const emptyKey = await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'tool', name: 'empty-label-key', labels: { '': 'v' } } });
    expect([emptyKey.status, emptyKey.body.field]).toEqual([400, 'labels']);
  });

  it('sets aside a row Kafka cannot take', async () => {
    const first = await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'tool', name: 'before-oversized' } });
    await waitForAsset(ctx, first.body.assetId);
    // A row written before appends checked the size: a copy of a published event with a payload over the limit.
    const { rows } = await pool.query<{ envelope: EventEnvelope }>(`SELECT envelope FROM ${outbox} ORDER BY seq DESC LIMIT 1`);
    const oversized = { ...rows[0].envelope, eventId: randomUUID(), payload: { ...(rows[0].envelope.payload as object), purpose: 'x'.repeat(MAX_EVENT_BYTES) } };
    const inserted = await pool.query<{ seq: string }>(`INSERT INTO ${outbox} (event_id, envelope) VALUES ($1, $2) RETURNING seq`, [oversized.eventId, JSON.stringify(oversized)]);

    const after = await ctx.call('/v1/assets', { method: 'POST', body: { kind: 'tool', name: 'after-oversized' } });
    expect(after.status).toBe(201);
    await waitForAsset(ctx, after.body.assetId);

    const setAside = await pool.query(`SELECT published_at, unpublishable_reason FROM ${outbox} WHERE seq = $1`, [inserted.rows[0].seq]);
    expect(setAside.rows[0].published_at).toBeNull();
    expect(setAside.rows[0].unpublishable_reason).toMatch(/^event_too_large: /);
  });
});
