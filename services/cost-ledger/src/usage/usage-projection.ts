import { EventEnvelope, SpansRecordedV1, Topics, UsageRecordedV1 } from '@estate/contracts';
import { Projection, ProjectionContext } from '@estate/projection';
import { SignalThresholds } from '@estate/pricing';
import { applyUsageToBudgets } from '../budgets/usage-spend';
import { PriceBooks } from '../pricing/price-books';
import { raiseSignals } from '../signals/signal-rows';
import { detectTraceSignals } from '../signals/trace-signals';
import { detectOversizedContexts, detectSpikes } from '../signals/usage-signals';
import { priceAll } from './price-usage';
import { extractUsage, UsageInput } from './usage-input';
import { insertUsage } from './usage-writer';

/**
 * Prices usage from canonical spans and from usage events, once per usage id,
 * and keeps the rollups, budget periods and spend signals in step with it.
 * Order within one batch: (1) price with the versions in force at each call's
 * time, (2) insert usage and rollups, skipping known usage ids, (3) add only
 * the new usage to budgets, (4) detect signals. Budget and signal events go
 * to the outbox in the same transaction as the rows that caused them.
 */
export class UsagePricingProjection implements Projection {
  readonly name = 'usage-pricing';
  readonly topics = [Topics.spans, Topics.usage];
  readonly handles = [SpansRecordedV1.type, UsageRecordedV1.type];
  /**
   * Three partitions are applied at once, so Node prices one batch while
   * Postgres writes the others. Every shared row (rollups, budget periods,
   * prompt statistics, signals) is written in key order, which turns a
   * conflict between their transactions into a wait, not a deadlock.
   */
  readonly partitionConcurrency = 3;
  readonly tables = [
    { name: 'usage_records' },
    { name: 'cost_rollup_hourly' },
    { name: 'cost_rollup_daily' },
    { name: 'workflow_hourly_spend' },
    { name: 'trace_step_counts' },
    { name: 'workflow_prompt_stats' },
    { name: 'spend_signals' },
  ];

  constructor(
    /** The price cache, shared with the API so an import or override is seen by both. */
    readonly priceBooks: PriceBooks,
    private readonly thresholds: SignalThresholds,
  ) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const { usage, steps } = extractUsage(events);
    // Usage id order, so two batches holding the same usage ids take their row locks in the same order.
    usage.sort(compareUsageIds);
    // Signals carry the time the ledger accepted the last event, so a rebuild raises them with the same time.
    const now = new Date(events[events.length - 1].recordedAt);
    const tenantIds = [...new Set(usage.map((u) => u.tenantId))];
    // Commits wait for the WAL flush: this projection writes outbox rows, and the relay may publish one
    // before an unflushed commit is lost in a crash, after which the refetched batch would publish it
    // again under a new event id.
    const books = tenantIds.length > 0 ? await this.priceBooks.forTenants(client, tenantIds) : new Map();

    const fresh = await insertUsage(client, schema, usage, (chunk) => priceAll(chunk, books));
    await applyUsageToBudgets(client, schema, fresh);
    const signals = [
      ...(await detectTraceSignals(client, schema, steps, this.thresholds, now)),
      ...(await detectOversizedContexts(client, schema, fresh, this.thresholds, now)),
      ...(await detectSpikes(client, schema, fresh, this.thresholds, now)),
    ];
    await raiseSignals(client, schema, signals);
  }
}

function compareUsageIds(a: UsageInput, b: UsageInput): number {
  if (a.tenantId !== b.tenantId) return a.tenantId < b.tenantId ? -1 : 1;
  if (a.usageId === b.usageId) return 0;
  return a.usageId < b.usageId ? -1 : 1;
}
