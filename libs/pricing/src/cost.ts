import { formatMoney, money, Money, ZERO } from './money';
import { PriceClass, PriceEntry, UnitPrices, UsageQuantities } from './price-model';

/** One billed class of a priced call: quantity × unit price = amount, all exact. */
export interface CostLine {
  priceClass: PriceClass;
  quantity: number;
  unitPrice: string;
  amount: string;
}

export type PricingResult =
  | { priced: true; cost: string; lines: CostLine[]; tierAboveInputTokens: number | null }
  | { priced: false; reason: string };

export interface PricingOptions {
  /** Usage submitted through a provider's batch API, billed at batch prices where the catalog has them. */
  batch?: boolean;
}

/**
 * Prices one call. How the token classes nest, and therefore why nothing is
 * counted twice:
 * - `input` already excludes cached reads and cache creation, so those three
 *   classes are added side by side;
 * - `audioInput` is part of `input`; `reasoning` and `audioOutput` are part of
 *   `output`, as OpenAI reports them. A model without a reasoning price bills
 *   reasoning as output. When the parts exceed the whole, the parts are billed
 *   and the text remainder is zero.
 * The prompt size that selects a long-context tier is input + cached reads +
 * cache creation. Fallbacks: cache reads and writes without their own price
 * cost the input price, a 1-hour cache write without its own price costs the
 * 5-minute one, and audio without its own price costs the text price. A
 * quantity with no price even after fallback makes the call unpriced, never
 * free.
 */
export function priceUsage(entry: PriceEntry, usage: UsageQuantities, options: PricingOptions = {}): PricingResult {
  const promptTokens = usage.input + usage.cachedInput + usage.cacheCreation + usage.cacheCreation1h;
  const tier = [...entry.tiers].reverse().find((t) => promptTokens > t.aboveInputTokens) ?? null;
  const prices: UnitPrices = { ...entry.prices, ...tier?.prices };
  if (options.batch && !tier) {
    prices.input = entry.prices.batch_input ?? prices.input;
    prices.output = entry.prices.batch_output ?? prices.output;
  }

  const billsReasoning = prices.reasoning !== undefined;
  const outputParts = usage.audioOutput + (billsReasoning ? usage.reasoning : 0);
  const quantities: Array<[PriceClass, number, Array<string | undefined>]> = [
    ['input', Math.max(0, usage.input - usage.audioInput), [prices.input]],
    ['audio_input', usage.audioInput, [prices.audio_input, prices.input]],
    ['cache_read', usage.cachedInput, [prices.cache_read, prices.input]],
    ['cache_write_5m', usage.cacheCreation, [prices.cache_write_5m, prices.input]],
    ['cache_write_1h', usage.cacheCreation1h, [prices.cache_write_1h, prices.cache_write_5m, prices.input]],
    ['output', Math.max(0, usage.output - outputParts), [prices.output]],
    ['reasoning', billsReasoning ? usage.reasoning : 0, [prices.reasoning]],
    ['audio_output', usage.audioOutput, [prices.audio_output, prices.output]],
    ['image_input', usage.imagesInput, [prices.image_input]],
    ['image_output', usage.imagesOutput, [prices.image_output]],
  ];

  const lines: CostLine[] = [];
  let total: Money = ZERO;
  for (const [priceClass, quantity, candidates] of quantities) {
    if (quantity === 0) continue;
    const unitPrice = candidates.find((c) => c !== undefined);
    if (unitPrice === undefined) {
      return { priced: false, reason: `${entry.model} has no ${priceClass} price for ${quantity} unit(s)` };
    }
    const amount = money(unitPrice).times(quantity);
    total = total.plus(amount);
    lines.push({ priceClass, quantity, unitPrice, amount: formatMoney(amount) });
  }
  if (prices.request !== undefined && usage.requests > 0) {
    const amount = money(prices.request).times(usage.requests);
    total = total.plus(amount);
    lines.push({ priceClass: 'request', quantity: usage.requests, unitPrice: prices.request, amount: formatMoney(amount) });
  }
  return { priced: true, cost: formatMoney(total), lines, tierAboveInputTokens: tier?.aboveInputTokens ?? null };
}
