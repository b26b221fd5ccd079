import { PriceEntry } from './price-model';

/**
 * Provider names as OpenTelemetry GenAI (`gen_ai.provider.name`, including
 * the deprecated `gen_ai.system` values) and common SDKs report them, mapped
 * to the key prefix LiteLLM uses for that provider's own price list.
 * OpenAI and Anthropic list their first-party prices without a prefix.
 */
const PROVIDER_PREFIXES: Record<string, string> = {
  'gcp.gemini': 'gemini',
  gemini: 'gemini',
  google: 'gemini',
  'gcp.vertex_ai': 'vertex_ai',
  vertex_ai: 'vertex_ai',
  'aws.bedrock': 'bedrock',
  bedrock: 'bedrock',
  'azure.ai.openai': 'azure',
  'az.ai.openai': 'azure',
  azure: 'azure',
  'azure.ai.inference': 'azure_ai',
  mistral_ai: 'mistral',
  mistral: 'mistral',
  groq: 'groq',
  deepseek: 'deepseek',
  'x_ai': 'xai',
  xai: 'xai',
  cohere: 'cohere',
  perplexity: 'perplexity',
};

/** Release suffixes that name a snapshot of the same priced model: `-2024-08-06`, `-20250929`, `@20240620`, `-001`, `-v1:0`, `-latest`. */
const SNAPSHOT_SUFFIXES = [/-\d{4}-\d{2}-\d{2}$/, /[-@]\d{8}$/, /-\d{3}$/, /-v\d+:\d+$/, /-latest$/];

export type MatchKind = 'exact' | 'provider-prefix' | 'alias' | 'prefix-stripped' | 'snapshot';

export interface ResolvedModel {
  entry: PriceEntry;
  matchedBy: MatchKind;
}

/**
 * Finds the catalog entry a reported model name means. Attempts, in order:
 * 1. an alias the operator configured;
 * 2. the provider's own prefixed key, so `gemini-2.5-pro` served by
 *    `gcp.gemini` gets Gemini API prices rather than Vertex prices;
 * 3. the name as given, then without leading `provider/` segments;
 * 4. steps 2 and 3 again without a dated or numbered snapshot suffix.
 * Returns null for an unknown model; the caller keeps that usage unpriced.
 */
export class ModelResolver {
  private readonly byKey: Map<string, PriceEntry>;
  private readonly memo = new Map<string, ResolvedModel | null>();

  constructor(entries: readonly PriceEntry[], private readonly aliases: Readonly<Record<string, string>> = {}) {
    this.byKey = new Map(entries.map((e) => [e.model.toLowerCase(), e]));
  }

  resolve(model: string, provider?: string): ResolvedModel | null {
    const memoKey = `${provider ?? ''}\u0000${model}`;
    if (this.memo.has(memoKey)) return this.memo.get(memoKey) ?? null;
    const resolved = this.search(model.trim().toLowerCase(), provider?.trim().toLowerCase());
    this.memo.set(memoKey, resolved);
    return resolved;
  }

  private search(name: string, provider: string | undefined): ResolvedModel | null {
    const alias = this.aliases[name];
    if (alias) {
      const target = this.byKey.get(alias.toLowerCase());
      if (target) return { entry: target, matchedBy: 'alias' };
    }
    const direct = this.lookup(name.replace(/^models\//, ''), provider);
    if (direct) return direct;
    for (const suffix of SNAPSHOT_SUFFIXES) {
      const stripped = name.replace(suffix, '');
      if (stripped === name) continue;
      const found = this.lookup(stripped, provider);
      if (found) return { entry: found.entry, matchedBy: 'snapshot' };
    }
    return null;
  }

  private lookup(name: string, provider: string | undefined): ResolvedModel | null {
    const prefix = provider ? PROVIDER_PREFIXES[provider] ?? provider : undefined;
    if (prefix) {
      const prefixed = this.byKey.get(`${prefix}/${name}`) ?? this.byKey.get(`${prefix}/${lastSegment(name)}`);
      if (prefixed) return { entry: prefixed, matchedBy: 'provider-prefix' };
    }
    const exact = this.byKey.get(name);
    if (exact) return { entry: exact, matchedBy: 'exact' };
    const segments = name.split('/');
    for (let i = 1; i < segments.length; i += 1) {
      const shorter = this.byKey.get(segments.slice(i).join('/'));
      if (shorter) return { entry: shorter, matchedBy: 'prefix-stripped' };
    }
    return null;
  }
}

function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
