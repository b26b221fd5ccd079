/**
 * Price classes Estate bills. Token classes are USD per token; `image_input`
 * and `image_output` are USD per image; `request` is USD per call.
 */
export const PRICE_CLASSES = [
  'input',
  'output',
  'cache_read',
  'cache_write_5m',
  'cache_write_1h',
  'reasoning',
  'audio_input',
  'audio_output',
  'image_input',
  'image_output',
  'request',
  'batch_input',
  'batch_output',
] as const;
export type PriceClass = (typeof PRICE_CLASSES)[number];

/** Unit prices as exact decimal strings, by class; a class the provider does not bill is absent. */
export type UnitPrices = Partial<Record<PriceClass, string>>;

/**
 * Prices that replace the base prices when the prompt (input, cached reads
 * and cache creation together) is larger than `aboveInputTokens`. Classes
 * the tier leaves out keep their base price.
 */
export interface PriceTier {
  aboveInputTokens: number;
  prices: UnitPrices;
}

/** One model's prices in one catalog version. */
export interface PriceEntry {
  /** The catalog key, such as `gpt-4o` or `gemini/gemini-2.5-pro`. */
  model: string;
  provider: string;
  mode: string;
  prices: UnitPrices;
  /** Ascending by threshold; the highest threshold below the prompt size applies. */
  tiers: PriceTier[];
}

/** Token and unit counts of one model call; see `billableQuantities` for how the classes nest. */
export interface UsageQuantities {
  /** Uncached prompt tokens; excludes cached reads and cache creation. Includes `audioInput`. */
  input: number;
  /** Completion tokens; includes `reasoning` and `audioOutput`. */
  output: number;
  cachedInput: number;
  /** Cache creation with the provider's default time to live (5 minutes at Anthropic). */
  cacheCreation: number;
  /** Cache creation with a 1-hour time to live. */
  cacheCreation1h: number;
  reasoning: number;
  audioInput: number;
  audioOutput: number;
  imagesInput: number;
  imagesOutput: number;
  requests: number;
}

export const NO_USAGE: UsageQuantities = {
  input: 0,
  output: 0,
  cachedInput: 0,
  cacheCreation: 0,
  cacheCreation1h: 0,
  reasoning: 0,
  audioInput: 0,
  audioOutput: 0,
  imagesInput: 0,
  imagesOutput: 0,
  requests: 1,
};
