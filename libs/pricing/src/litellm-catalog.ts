import { createHash } from 'node:crypto';
import { ExactJson, JsonNumber, parseExactJson, JsonSyntaxError } from './exact-json';
import { money } from './money';
import { PriceClass, PriceEntry, PriceTier, UnitPrices } from './price-model';

/** LiteLLM field names for each base price class (USD per token, per image or per request). */
const BASE_FIELDS: ReadonlyArray<[PriceClass, string[]]> = [
  ['input', ['input_cost_per_token']],
  ['output', ['output_cost_per_token']],
  ['cache_read', ['cache_read_input_token_cost', 'input_cost_per_token_cache_hit']],
  ['cache_write_5m', ['cache_creation_input_token_cost']],
  ['cache_write_1h', ['cache_creation_input_token_cost_above_1hr']],
  ['reasoning', ['output_cost_per_reasoning_token']],
  ['audio_input', ['input_cost_per_audio_token']],
  ['audio_output', ['output_cost_per_audio_token']],
  ['image_input', ['input_cost_per_image']],
  ['image_output', ['output_cost_per_image']],
  ['request', ['input_cost_per_request']],
  ['batch_input', ['input_cost_per_token_batches']],
  ['batch_output', ['output_cost_per_token_batches']],
];

const CLASS_BY_FIELD = new Map(BASE_FIELDS.flatMap(([priceClass, fields]) => fields.map((f) => [f, priceClass] as const)));

/** `<base field>_above_<N>k_tokens`, the long-context tier; N thousand tokens is the threshold. */
const TIER_FIELD = /^(.+)_above_(\d+)k_tokens$/;

/** Top-level keys that document the format or map names, and carry no prices. */
const NON_MODEL_KEYS = new Set(['sample_spec', 'fallback_generalizations']);

export interface CatalogProblem {
  model: string;
  field: string;
  message: string;
}

export interface ParsedCatalog {
  /** Hex SHA-256 of the exact text, so the same file imported twice is one version. */
  sha256: string;
  entries: PriceEntry[];
  /** Models listed without any price this ledger bills; their usage stays unpriced. */
  withoutPrices: string[];
}

export class CatalogFormatError extends Error {
  constructor(readonly problems: CatalogProblem[]) {
    const shown = problems.slice(0, 10).map((p) => `${p.model}.${p.field}: ${p.message}`).join('; ');
    super(`price catalog is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${shown}`);
    this.name = 'CatalogFormatError';
  }
}

/**
 * Parses a catalog in LiteLLM's `model_prices_and_context_window.json`
 * format. Prices are read from the JSON text as decimals, so `2.5e-06` is
 * exactly 0.0000025. Any malformed price rejects the whole catalog, listing
 * every problem, so a catalog is never half imported.
 */
export function parseLiteLlmCatalog(text: string): ParsedCatalog {
  let root: ExactJson;
  try {
    root = parseExactJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new CatalogFormatError([{ model: '(file)', field: '(json)', message: error.message }]);
    throw error;
  }
  if (!isObject(root)) throw new CatalogFormatError([{ model: '(file)', field: '(root)', message: 'expected a JSON object keyed by model name' }]);

  const problems: CatalogProblem[] = [];
  const entries: PriceEntry[] = [];
  const withoutPrices: string[] = [];
  for (const [model, value] of Object.entries(root)) {
    if (NON_MODEL_KEYS.has(model)) continue;
    if (!isObject(value)) {
      problems.push({ model, field: '(entry)', message: 'expected an object of prices' });
      continue;
    }
    const entry = parseEntry(model, value, problems);
    if (Object.keys(entry.prices).length === 0 && entry.tiers.length === 0) withoutPrices.push(model);
    else entries.push(entry);
  }
  if (problems.length > 0) throw new CatalogFormatError(problems);
  return { sha256: createHash('sha256').update(text).digest('hex'), entries, withoutPrices };
}

function parseEntry(model: string, fields: { [key: string]: ExactJson }, problems: CatalogProblem[]): PriceEntry {
  const prices: UnitPrices = {};
  const tiers = new Map<number, UnitPrices>();
  const price = (field: string, value: ExactJson): string | undefined => {
    if (!(value instanceof JsonNumber)) {
      problems.push({ model, field, message: `expected a number, found ${JSON.stringify(value)}` });
      return undefined;
    }
    if (money(value.text).isNegative()) {
      problems.push({ model, field, message: `price ${value.text} is negative` });
      return undefined;
    }
    return money(value.text).toFixed();
  };

  for (const [field, value] of Object.entries(fields)) {
    const baseClass = CLASS_BY_FIELD.get(field);
    if (baseClass) {
      // The first listed field wins when a provider carries two names for one class.
      const parsed = price(field, value);
      if (parsed !== undefined && prices[baseClass] === undefined) prices[baseClass] = parsed;
      continue;
    }
    const tier = TIER_FIELD.exec(field);
    const tierClass = tier && CLASS_BY_FIELD.get(tier[1]);
    if (tier && tierClass) {
      const parsed = price(field, value);
      const threshold = Number(tier[2]) * 1000;
      if (parsed !== undefined) tiers.set(threshold, { ...tiers.get(threshold), [tierClass]: parsed });
    }
  }
  if (fields.tiered_pricing !== undefined) parseTieredPricing(model, fields.tiered_pricing, prices, tiers, problems);

  const provider = typeof fields.litellm_provider === 'string' ? fields.litellm_provider : model.split('/')[0];
  const mode = typeof fields.mode === 'string' ? fields.mode : 'unknown';
  const sortedTiers: PriceTier[] = [...tiers.entries()]
    .sort(([a], [b]) => a - b)
    .map(([aboveInputTokens, tierPrices]) => ({ aboveInputTokens, prices: tierPrices }));
  return { model, provider, mode, prices, tiers: sortedTiers };
}

/** `tiered_pricing: [{range: [lo, hi], input_cost_per_token, ...}]`; the range starting at 0 sets missing base prices. */
function parseTieredPricing(
  model: string,
  value: ExactJson,
  prices: UnitPrices,
  tiers: Map<number, UnitPrices>,
  problems: CatalogProblem[],
): void {
  if (!Array.isArray(value)) {
    problems.push({ model, field: 'tiered_pricing', message: 'expected an array of ranges' });
    return;
  }
  value.forEach((band, index) => {
    const field = `tiered_pricing[${index}]`;
    // Bands keyed by something other than a token range (search tools price by result count) bill nothing this ledger meters.
    if (isObject(band) && band.range === undefined) return;
    const range = isObject(band) ? band.range : undefined;
    if (!isObject(band) || !Array.isArray(range) || !(range[0] instanceof JsonNumber)) {
      problems.push({ model, field, message: 'expected {range: [from, to], ...prices}' });
      return;
    }
    const from = money(range[0].text);
    if (!from.isInteger() || from.isNegative()) {
      problems.push({ model, field: `${field}.range`, message: `range start ${range[0].text} is not a token count` });
      return;
    }
    const bandPrices: UnitPrices = {};
    for (const [name, amount] of Object.entries(band)) {
      const priceClass = CLASS_BY_FIELD.get(name);
      if (!priceClass) continue;
      if (!(amount instanceof JsonNumber) || money(amount.text).isNegative()) {
        problems.push({ model, field: `${field}.${name}`, message: 'expected a non-negative number' });
        continue;
      }
      bandPrices[priceClass] = money(amount.text).toFixed();
    }
    if (from.isZero()) {
      for (const [priceClass, amount] of Object.entries(bandPrices)) prices[priceClass as PriceClass] ??= amount;
    } else {
      tiers.set(from.toNumber(), { ...tiers.get(from.toNumber()), ...bandPrices });
    }
  });
}

function isObject(value: ExactJson | undefined): value is { [key: string]: ExactJson } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}
