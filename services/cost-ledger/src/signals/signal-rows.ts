import { createHash } from 'node:crypto';
import { createEnvelope, SpendSignalRaisedV1 } from '@estate/contracts';
import { ident } from '@estate/projection';
import { DimensionValues, SignalKind } from '@estate/pricing';
import type { PoolClient } from 'pg';
import { SERVICE_NAME } from '../config';
import { appendToOutbox } from '../outbox/outbox';

export interface SignalCandidate {
  tenantId: string;
  kind: SignalKind;
  /** Identity of the signal within its kind, such as trace and step, or workflow and hour; a repeat is ignored. */
  dedupeKey: string;
  traceId: string | null;
  scope: DimensionValues;
  detail: Record<string, unknown>;
  raisedAt: Date;
}

/** Derives a name-based UUID from the signal's identity, so reprocessing the same usage yields the same signal id. */
function signalId(candidate: SignalCandidate): string {
  const hex = createHash('sha256').update(`${candidate.tenantId}\u0000${candidate.kind}\u0000${candidate.dedupeKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function compareIdentity(a: SignalCandidate, b: SignalCandidate): number {
  const left = `${a.tenantId}\u0000${a.kind}\u0000${a.dedupeKey}`;
  const right = `${b.tenantId}\u0000${b.kind}\u0000${b.dedupeKey}`;
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

/** Stores new signals and announces each one once; a signal with an existing identity is skipped. */
export async function raiseSignals(client: PoolClient, schema: string, unordered: SignalCandidate[]): Promise<void> {
  if (unordered.length === 0) return;
  // Key order, so batches applied at once lock the same signal identities in the same order.
  const candidates = [...unordered].sort(compareIdentity);
  const { rows } = await client.query<{ tenant_id: string; signal_id: string }>(
    `INSERT INTO ${ident(schema)}.spend_signals (tenant_id, kind, dedupe_key, signal_id, trace_id, scope, detail, raised_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[], $8::timestamptz[])
     ON CONFLICT (tenant_id, kind, dedupe_key) DO NOTHING
     RETURNING tenant_id, signal_id`,
    [
      candidates.map((c) => c.tenantId),
      candidates.map((c) => c.kind),
      candidates.map((c) => c.dedupeKey),
      candidates.map(signalId),
      candidates.map((c) => c.traceId),
      candidates.map((c) => JSON.stringify(c.scope)),
      candidates.map((c) => JSON.stringify(c.detail)),
      candidates.map((c) => c.raisedAt.toISOString()),
    ],
  );
  const raised = new Set(rows.map((r) => r.signal_id));
  const envelopes = candidates
    .filter((c) => raised.has(signalId(c)))
    .map((c) =>
      createEnvelope({
        type: SpendSignalRaisedV1.type,
        schemaVersion: 1,
        tenantId: c.tenantId,
        producer: SERVICE_NAME,
        key: c.traceId ?? signalId(c),
        correlationId: c.traceId ?? undefined,
        payload: { signalId: signalId(c), kind: c.kind, ...(c.traceId ? { traceId: c.traceId } : {}), scope: c.scope, detail: c.detail },
      }),
    );
  await appendToOutbox(client, schema, envelopes);
}
