import { CostLine, PriceBook, priceUsage } from '@estate/pricing';
import { UsageInput } from './usage-input';

/** A call after pricing: exactly one of `cost` or `unpricedReason` is set. */
export interface PricedUsage extends UsageInput {
  /** The catalog key the reported name resolved to, or the reported name when unknown. */
  model: string;
  /** The exact cost in USD as plain decimal text, as `formatMoney` writes it. */
  cost: string | null;
  lines: CostLine[] | null;
  catalogVersion: string | null;
  overrideId: string | null;
  tierAboveInputTokens: number | null;
  unpricedReason: string | null;
}

type Pricing = Pick<PricedUsage, 'model' | 'cost' | 'lines' | 'catalogVersion' | 'overrideId' | 'tierAboveInputTokens' | 'unpricedReason'>;

/** Prices each call with the catalog version and override in force at its own time. */
export function priceAll(inputs: UsageInput[], books: Map<string, PriceBook>): PricedUsage[] {
  return inputs.map((input) => withPricing(input, priceOne(input, books)));
}

function priceOne(input: UsageInput, books: Map<string, PriceBook>): Pricing {
  if (!input.modelReported) return unpriced(input.modelReported, null, 'the call reported no model name');
  const inForce = books.get(input.tenantId)?.priceAt(input.tenantId, input.modelReported, input.dimensions.provider, input.occurredAt);
  if (!inForce) {
    return unpriced(input.modelReported, null, `model "${input.modelReported}" is not in the price catalog in force at ${input.occurredAt.toISOString()}`);
  }
  const result = priceUsage(inForce.entry, input.quantities, { batch: input.batch });
  if (!result.priced) return unpriced(inForce.entry.model, inForce.catalogVersion, result.reason);
  return {
    model: inForce.entry.model,
    cost: result.cost,
    lines: result.lines,
    catalogVersion: inForce.catalogVersion,
    overrideId: inForce.overrideId,
    tierAboveInputTokens: result.tierAboveInputTokens,
    unpricedReason: null,
  };
}

function unpriced(model: string, catalogVersion: string | null, reason: string): Pricing {
  return { model, cost: null, lines: null, catalogVersion, overrideId: null, tierAboveInputTokens: null, unpricedReason: reason };
}

/** Builds the priced record field by field: an object spread of every call is a large share of pricing time. */
function withPricing(input: UsageInput, pricing: Pricing): PricedUsage {
  return {
    tenantId: input.tenantId,
    usageId: input.usageId,
    source: input.source,
    eventId: input.eventId,
    traceId: input.traceId,
    spanId: input.spanId,
    sessionId: input.sessionId,
    step: input.step,
    occurredAt: input.occurredAt,
    dimensions: input.dimensions,
    modelReported: input.modelReported,
    quantities: input.quantities,
    batch: input.batch,
    model: pricing.model,
    cost: pricing.cost,
    lines: pricing.lines,
    catalogVersion: pricing.catalogVersion,
    overrideId: pricing.overrideId,
    tierAboveInputTokens: pricing.tierAboveInputTokens,
    unpricedReason: pricing.unpricedReason,
  };
}
