import { encodeEvent, EventEnvelope } from '@estate/contracts';
import { ident } from '@estate/projection';
import { requireEventsFit } from '@estate/service-kit';
import type { PoolClient } from 'pg';

/**
 * Appends events to the outbox inside the caller's transaction, so an event
 * exists exactly when the state change that caused it committed. Each
 * envelope is validated against its contract and the event size limit
 * here, because an event the relay cannot publish would block every event
 * behind it.
 */
export async function appendToOutbox(client: PoolClient, schema: string, envelopes: EventEnvelope[]): Promise<void> {
  if (envelopes.length === 0) return;
  for (const envelope of envelopes) encodeEvent(envelope);
  const json = envelopes.map((e) => JSON.stringify(e));
  requireEventsFit(envelopes, json);
  await client.query(`INSERT INTO ${ident(schema)}.outbox (envelope) SELECT unnest($1::jsonb[])`, [json]);
}
