import { CostLine, formatMoney, money, Money, PriceBook, priceUsage } from '@estate/pricing';
import { UsageInput } from './usage-input';

/** A call after pricing: exactly one of `cost` or `unpricedReason` is set. */
export interface PricedUsage extends UsageInput {
  /** The catalog key the reported name resolved to, or the reported name when unknown. */
  model: string;
  cost: Money | null;
  lines: CostLine[] | null;
  catalogVersion: string | null;
  overrideId: string | null;
  tierAboveInputTokens: number | null;
  unpricedReason: string | null;
}

/** Prices each call with the catalog version and override in force at its own time. */
export function priceAll(inputs: UsageInput[], books: Map<string, PriceBook>): PricedUsage[] {
  return inputs.map((input) => {
    const unpriced = (reason: string): PricedUsage => ({
      ...input,
      model: input.modelReported,
      cost: null,
      lines: null,
      catalogVersion: null,
      overrideId: null,
      tierAboveInputTokens: null,
      unpricedReason: reason,
    });
    if (!input.modelReported) return unpriced('the call reported no model name');
    const inForce = books.get(input.tenantId)?.priceAt(input.tenantId, input.modelReported, input.dimensions.provider, input.occurredAt);
    if (!inForce) return unpriced(`model "${input.modelReported}" is not in the price catalog in force at ${input.occurredAt.toISOString()}`);
    const result = priceUsage(inForce.entry, input.quantities, { batch: input.batch });
    if (!result.priced) return { ...unpriced(result.reason), model: inForce.entry.model, catalogVersion: inForce.catalogVersion };
    return {
      ...input,
      model: inForce.entry.model,
      cost: money(result.cost),
      lines: result.lines,
      catalogVersion: inForce.catalogVersion,
      overrideId: inForce.overrideId,
      tierAboveInputTokens: result.tierAboveInputTokens,
      unpricedReason: null,
    };
  });
}

export const costText = (usage: PricedUsage): string | null => (usage.cost ? formatMoney(usage.cost) : null);
