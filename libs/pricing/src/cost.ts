import { PriceClass, PriceEntry, PriceTier, UnitPrices, UsageQuantities } from './price-model';
import { addScaled, formatScaled, multiplyScaled, parseScaled, SCALED_ZERO, ScaledDecimal } from './scaled-decimal';

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
  const tier = highestTierBelow(entry.tiers, promptTokens);
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
  let total: ScaledDecimal = SCALED_ZERO;
  for (const [priceClass, quantity, candidates] of quantities) {
    if (quantity === 0) continue;
    const unitPrice = candidates.find((c) => c !== undefined);
    if (unitPrice === undefined) {
      return { priced: false, reason: `${entry.model} has no ${priceClass} price for ${quantity} unit(s)` };
    }
    const amount = multiplyScaled(parsedPrice(unitPrice), quantity);
    total = addScaled(total, amount);
    lines.push({ priceClass, quantity, unitPrice, amount: formatScaled(amount) });
  }
  if (prices.request !== undefined && usage.requests > 0) {
    const amount = multiplyScaled(parsedPrice(prices.request), usage.requests);
    total = addScaled(total, amount);
    lines.push({ priceClass: 'request', quantity: usage.requests, unitPrice: prices.request, amount: formatScaled(amount) });
  }
  return { priced: true, cost: formatScaled(total), lines, tierAboveInputTokens: tier?.aboveInputTokens ?? null };
}

function highestTierBelow(tiers: readonly PriceTier[], promptTokens: number): PriceTier | null {
  for (let i = tiers.length - 1; i >= 0; i -= 1) {
    if (promptTokens > tiers[i].aboveInputTokens) return tiers[i];
  }
  return null;
}

/**
 * Parsed unit prices by their decimal text. A catalog holds a few thousand
 * distinct prices and the parsed values are never mutated, so sharing them
 * is safe and saves a parse per priced class of every call. The cache is
 * emptied when it reaches its cap, which bounds memory if prices are ever
 * unbounded.
 */
const PARSED_PRICES = new Map<string, ScaledDecimal>();
const PARSED_PRICES_CAP = 50_000;

function parsedPrice(text: string): ScaledDecimal {
  let parsed = PARSED_PRICES.get(text);
  if (parsed === undefined) {
    if (PARSED_PRICES.size >= PARSED_PRICES_CAP) PARSED_PRICES.clear();
    parsed = parseScaled(text);
    PARSED_PRICES.set(text, parsed);
  }
  return parsed;
}
