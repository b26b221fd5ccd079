import type { TokenUsage } from '@estate/contracts';
import { AttributeReader, toCount } from './attributes';
import type { Attributes } from './span-input';

/** Attribute names per token class, in the order they are tried: OTel GenAI (new, then old), OpenLLMetry, OpenInference, Vercel AI SDK. */
const KEYS = {
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.usage.prompt_tokens', 'llm.token_count.prompt', 'ai.usage.inputTokens', 'ai.usage.promptTokens', 'ai.usage.tokens'],
  output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.usage.completion_tokens', 'llm.token_count.completion', 'ai.usage.outputTokens', 'ai.usage.completionTokens'],
  cachedInput: [
    'gen_ai.usage.cache_read.input_tokens',
    'gen_ai.usage.cache_read_input_tokens',
    'gen_ai.usage.cached_tokens',
    'llm.token_count.prompt_details.cache_read',
    'ai.usage.cachedInputTokens',
  ],
  cacheCreation: ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens', 'llm.token_count.prompt_details.cache_write'],
  reasoning: ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens', 'llm.token_count.completion_details.reasoning', 'ai.usage.reasoningTokens'],
  audioInput: ['gen_ai.usage.audio.input_tokens', 'llm.token_count.prompt_details.audio'],
  audioOutput: ['gen_ai.usage.audio.output_tokens', 'llm.token_count.completion_details.audio'],
  total: ['gen_ai.usage.total_tokens', 'llm.usage.total_tokens', 'llm.token_count.total', 'ai.usage.totalTokens'],
} as const;

/**
 * Reads token usage into disjoint classes. Every convention read here
 * reports input tokens including cached reads, cache writes and audio, and
 * output tokens including reasoning and audio (OpenAI's and OTel GenAI's
 * definition), so those parts are subtracted. When a part exceeds the total
 * it claims to be inside, the producer reported disjoint buckets (as
 * Anthropic's API does) and nothing is subtracted.
 */
export function extractUsage(attributes: AttributeReader): TokenUsage | undefined {
  const raw = {
    input: attributes.count(...KEYS.input),
    output: attributes.count(...KEYS.output),
    cachedInput: attributes.count(...KEYS.cachedInput),
    cacheCreation: attributes.count(...KEYS.cacheCreation),
    reasoning: attributes.count(...KEYS.reasoning),
    audioInput: attributes.count(...KEYS.audioInput),
    audioOutput: attributes.count(...KEYS.audioOutput),
    total: attributes.count(...KEYS.total),
  };
  if (Object.values(raw).every((value) => value === undefined)) return undefined;

  const usage: TokenUsage = {};
  const input = exclusive(raw.input, [raw.cachedInput, raw.cacheCreation, raw.audioInput]);
  const output = exclusive(raw.output, [raw.reasoning, raw.audioOutput]);
  assign(usage, 'input', input);
  assign(usage, 'output', output);
  assign(usage, 'cachedInput', raw.cachedInput);
  assign(usage, 'cacheCreation', raw.cacheCreation);
  assign(usage, 'reasoning', raw.reasoning);
  assign(usage, 'audioInput', raw.audioInput);
  assign(usage, 'audioOutput', raw.audioOutput);
  assign(usage, 'total', raw.total ?? sumDefined([raw.input, raw.output]));
  return usage;
}

function exclusive(reported: number | undefined, parts: Array<number | undefined>): number | undefined {
  if (reported === undefined) return undefined;
  const inside = parts.reduce<number>((sum, part) => sum + (part ?? 0), 0);
  return inside <= reported ? reported - inside : reported;
}

function sumDefined(values: Array<number | undefined>): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length === 0 ? undefined : present.reduce((a, b) => a + b, 0);
}

function assign(usage: TokenUsage, key: keyof TokenUsage, value: number | undefined): void {
  if (value !== undefined) usage[key] = value;
}

const USAGE_KEYS: readonly string[] = Object.values(KEYS).flat();
const USAGE_KEY_ORDER = new Map(USAGE_KEYS.map((key, index) => [key, index]));

/**
 * Lists the token-count attributes on a span whose value is not a
 * non-negative integer. `extractUsage` skips them, so the span keeps them only
 * in its raw attributes and the caller must report them rather than let the
 * usage vanish silently.
 */
export function invalidUsageAttributes(attributes: Attributes): string[] {
  // A span carries far fewer attributes than there are usage names, so its own keys are walked.
  const invalid: string[] = [];
  for (const key in attributes) {
    if (!USAGE_KEY_ORDER.has(key)) continue;
    const value = attributes[key];
    if (value === undefined || value === null || toCount(value) !== undefined) continue;
    invalid.push(key);
  }
  invalid.sort((a, b) => USAGE_KEY_ORDER.get(a)! - USAGE_KEY_ORDER.get(b)!);
  return invalid.map((key) => `${key} = ${JSON.stringify(attributes[key])} is not a token count (a whole number from 0 to ${Number.MAX_SAFE_INTEGER})`);
}
