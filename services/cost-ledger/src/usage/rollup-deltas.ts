import { addScaled, formatScaledFixed, parseScaled, ScaledDecimal } from '@estate/pricing';
import { PricedUsage } from './price-usage';
import { numberArrayLiteral, textArrayLiteral } from './postgres-arrays';

const HOUR_MS = 3_600_000;
const DIMENSION_KEYS = ['workflow', 'product', 'environment', 'team', 'agent', 'modelRoute', 'provider', null, 'policyClass'] as const;

/** Sums of one rollup row's measures over the calls of a batch. */
interface RollupTotals {
  tenantId: string;
  bucket: number;
  /** Attribution in the column order of `DIMS`; `model` is the resolved catalog key. */
  dimensions: string[];
  calls: number;
  unpricedCalls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheCreationTokens: number;
  reasoningTokens: number;
  /** Null while no priced call was added, which Postgres's coalesce(sum(cost), 0) stores as 0. */
  cost: ScaledDecimal | null;
}

/**
 * The increments a batch of new usage makes to the hourly rollup, summed in
 * Node so Postgres only upserts them and derives the daily rollup and the
 * workflow-hour spend from them. Sums are exact, and a cost sum keeps the
 * largest scale among its parts, as Postgres's sum(numeric) does, so the
 * stored text is the same as summing the usage rows in Postgres.
 */
export class RollupDeltas {
  private readonly hourly = new Map<string, RollupTotals>();

  add(usage: readonly PricedUsage[]): this {
    for (const u of usage) {
      const dimensions = DIMENSION_KEYS.map((key) => (key === null ? u.model : (u.dimensions[key] ?? '')));
      const hour = Math.floor(u.occurredAt.getTime() / HOUR_MS) * HOUR_MS;
      addCall(this.hourly, u, hour, dimensions, u.cost === null ? null : parseScaled(u.cost));
    }
    return this;
  }

  /** Encodes the hourly rows as array literals in the column order of the rollup tables. */
  encode(): string[] {
    const rows = [...this.hourly.values()];
    return [
      textArrayLiteral(rows.map((r) => r.tenantId)),
      textArrayLiteral(rows.map((r) => new Date(r.bucket).toISOString())),
      ...DIMENSION_KEYS.map((_, i) => textArrayLiteral(rows.map((r) => r.dimensions[i]))),
      numberArrayLiteral(rows.map((r) => r.calls)),
      numberArrayLiteral(rows.map((r) => r.unpricedCalls)),
      numberArrayLiteral(rows.map((r) => r.inputTokens)),
      numberArrayLiteral(rows.map((r) => r.outputTokens)),
      numberArrayLiteral(rows.map((r) => r.cachedInputTokens)),
      numberArrayLiteral(rows.map((r) => r.cacheCreationTokens)),
      numberArrayLiteral(rows.map((r) => r.reasoningTokens)),
      textArrayLiteral(rows.map((r) => (r.cost === null ? '0' : formatScaledFixed(r.cost)))),
    ];
  }
}

function addCall(rows: Map<string, RollupTotals>, u: PricedUsage, bucket: number, dimensions: string[], cost: ScaledDecimal | null): void {
  const key = `${u.tenantId}\u0000${bucket}\u0000${dimensions.join('\u0000')}`;
  let row = rows.get(key);
  if (!row) {
    row = { tenantId: u.tenantId, bucket, dimensions, calls: 0, unpricedCalls: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0, cost: null };
    rows.set(key, row);
  }
  const q = u.quantities;
  row.calls += 1;
  if (cost === null) row.unpricedCalls += 1;
  row.inputTokens += q.input;
  row.outputTokens += q.output;
  row.cachedInputTokens += q.cachedInput;
  row.cacheCreationTokens += q.cacheCreation + q.cacheCreation1h;
  row.reasoningTokens += q.reasoning;
  if (cost !== null) row.cost = row.cost === null ? cost : addScaled(row.cost, cost);
}
