import { ident } from '@estate/projection';
import type { PoolClient } from 'pg';
import { PricedUsage } from './price-usage';
import { booleanArrayLiteral, costLinesArrayLiteral, numberArrayLiteral, textArrayLiteral } from './postgres-arrays';
import { RollupDeltas } from './rollup-deltas';
import { upsertRollups } from './usage-rollups';

const DIMENSIONS = ['workflow', 'product', 'environment', 'team', 'agent', 'model_route', 'provider', 'model', 'policy_class'] as const;
const DIMENSION_KEYS = ['workflow', 'product', 'environment', 'team', 'agent', 'modelRoute', 'provider', null, 'policyClass'] as const;
const QUANTITY_KEYS = ['input', 'output', 'cachedInput', 'cacheCreation', 'cacheCreation1h', 'reasoning', 'audioInput', 'audioOutput', 'imagesInput', 'imagesOutput', 'requests'] as const;

const COLUMNS = `tenant_id, usage_id, source, event_id, trace_id, span_id, session_id, step, occurred_at, ${DIMENSIONS.join(', ')}, model_reported,
  input_tokens, output_tokens, cached_input_tokens, cache_creation_tokens, cache_creation_1h_tokens, reasoning_tokens,
  audio_input_tokens, audio_output_tokens, images_input, images_output, requests, batch, cost, cost_lines, catalog_version,
  override_id, tier_above_input_tokens, unpriced_reason`;
const TYPES = [
  ...['text', 'text', 'text', 'uuid', 'text', 'text', 'text', 'text', 'timestamptz'],
  ...DIMENSIONS.map(() => 'text'),
  'text',
  ...Array(8).fill('bigint'),
  ...['int', 'int', 'int', 'boolean', 'numeric', 'json', 'uuid', 'uuid', 'int', 'text'],
];

/**
 * Calls a statement carries. The batch goes to Postgres in chunks so the
 * next chunk is priced and encoded while Postgres inserts the current one.
 */
export const INSERT_CHUNK = 250;

function insertStatement(s: string): string {
  const unnest = TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  return `INSERT INTO ${s}.usage_records (${COLUMNS}, priced)
    SELECT *, cost IS NOT NULL FROM unnest(${unnest}) AS u(${COLUMNS})
    ON CONFLICT (tenant_id, usage_id) DO NOTHING
    RETURNING tenant_id, usage_id`;
}

/** Encodes the rows as one array literal per column of `usage_records`, in the order of `COLUMNS`. */
export function encodeUsageRows(usage: PricedUsage[]): string[] {
  const text = (value: (u: PricedUsage) => string | null) => textArrayLiteral(usage.map(value));
  const dimensions = DIMENSION_KEYS.map((key) => (key === null ? text((u) => u.model) : text((u) => u.dimensions[key] ?? '')));
  return [
    text((u) => u.tenantId),
    text((u) => u.usageId),
    text((u) => u.source),
    text((u) => u.eventId),
    text((u) => u.traceId),
    text((u) => u.spanId),
    text((u) => u.sessionId),
    text((u) => u.step),
    text((u) => u.occurredAt.toISOString()),
    ...dimensions,
    text((u) => u.modelReported),
    ...QUANTITY_KEYS.map((key) => numberArrayLiteral(usage.map((u) => u.quantities[key]))),
    booleanArrayLiteral(usage.map((u) => u.batch)),
    text((u) => u.cost),
    costLinesArrayLiteral(usage.map((u) => u.lines)),
    text((u) => u.catalogVersion),
    text((u) => u.overrideId),
    numberArrayLiteral(usage.map((u) => u.tierAboveInputTokens)),
    text((u) => u.unpricedReason),
  ];
}

/**
 * Inserts priced usage and folds the new rows into the hourly and daily
 * rollups and the workflow-hour spend. A usage id already stored (a span
 * delivered in another event, or a usage event sent twice) is skipped by the
 * insert and therefore never reaches the rollups. `priceChunk` turns one
 * chunk of calls into rows. It runs, and the chunk's rollup increments are
 * summed, while Postgres inserts the chunk before. Returns the usage that
 * was new.
 */
export async function insertUsage<T>(client: PoolClient, schema: string, calls: T[], priceChunk: (chunk: T[]) => PricedUsage[]): Promise<PricedUsage[]> {
  if (calls.length === 0) return [];
  const statement = insertStatement(ident(schema));
  const fresh = new Set<string>();
  const priced: PricedUsage[] = [];
  // Summed as if every call were new, which is the usual case; redelivered calls make a second sum below.
  const deltas = new RollupDeltas();
  let inFlight: Promise<void> | null = null;
  for (let start = 0; start < calls.length; start += INSERT_CHUNK) {
    const chunk = priceChunk(calls.slice(start, start + INSERT_CHUNK));
    priced.push(...chunk);
    const values = encodeUsageRows(chunk);
    if (inFlight) await inFlight;
    inFlight = client.query<{ tenant_id: string; usage_id: string }>(statement, values).then(({ rows }) => {
      for (const row of rows) fresh.add(`${row.tenant_id}\u0000${row.usage_id}`);
    });
    // Marks a failed insert as handled in case pricing the next chunk throws before the insert is awaited.
    // The transaction is rolled back in that case, and awaiting the insert below still raises its error.
    inFlight.catch(() => undefined);
    deltas.add(chunk);
  }
  await inFlight;
  if (fresh.size === priced.length) {
    await upsertRollups(client, schema, deltas);
    return priced;
  }
  const inserted = priced.filter((u) => fresh.has(`${u.tenantId}\u0000${u.usageId}`));
  if (inserted.length > 0) await upsertRollups(client, schema, new RollupDeltas().add(inserted));
  return inserted;
}
