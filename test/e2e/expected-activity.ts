import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Decimal from 'decimal.js';

/**
 * The activity figures the report must show for the sample, read straight
 * from the export files and the catalog with this file's own reading of the
 * formats, so a fault in the service-side normalisation or pricing shows as
 * a mismatch instead of being repeated here.
 */
export interface ExpectedActivity {
  traces: number;
  spans: number;
  /** Disjoint classes: input excludes cached reads, output excludes reasoning (the OTel GenAI definitions include them). */
  tokens: { input: number; output: number; cachedInput: number; cacheCreation: number; reasoning: number; audio: number };
  /** Exact list-price cost in USD of every model call. */
  cost: Decimal;
  /** `cost` in whole micro-USD, half away from zero, as the report documents. */
  costMicros: string;
  /** Model calls per served model, for failure messages. */
  callsByModel: Record<string, number>;
}

interface ModelCall {
  model: string;
  input: number;
  output: number;
  cachedInput: number;
  reasoning: number;
}

type Json = Record<string, any>;

export function expectedActivity(sampleDir: string, catalogFile: string): ExpectedActivity {
  const dir = path.join(sampleDir, 'otlp');
  const traceIds = new Set<string>();
  let spans = 0;
  const calls: ModelCall[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const document = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Json;
    const read = Array.isArray(document) ? readableSpans(document) : document.resourceSpans ? otlpJson(document) : document.observations ? langfuse(document) : undefined;
    if (!read) throw new Error(`${file} in ${dir} is neither OTLP/JSON, a ReadableSpan array nor a Langfuse export; the expectation cannot be computed`);
    read.traceIds.forEach((id) => traceIds.add(id));
    spans += read.spans;
    calls.push(...read.calls);
  }

  const catalog = JSON.parse(readFileSync(catalogFile, 'utf8')) as Record<string, Json>;
  let cost = new Decimal(0);
  const callsByModel: Record<string, number> = {};
  for (const call of calls) {
    const entry = catalog[call.model];
    if (!entry) throw new Error(`model ${call.model} of the sample is not in ${catalogFile}; the expected cost would be a guess`);
    const price = (key: string, fallback?: string) => new Decimal(String(entry[key] ?? (fallback && entry[fallback]) ?? 0));
    cost = cost
      .plus(price('input_cost_per_token').times(call.input - call.cachedInput))
      .plus(price('cache_read_input_token_cost', 'input_cost_per_token').times(call.cachedInput))
      .plus(price('output_cost_per_token').times(call.output - call.reasoning))
      .plus(price('output_cost_per_reasoning_token', 'output_cost_per_token').times(call.reasoning));
    callsByModel[call.model] = (callsByModel[call.model] ?? 0) + 1;
  }
  const sum = (pick: (c: ModelCall) => number) => calls.reduce((total, c) => total + pick(c), 0);
  return {
    traces: traceIds.size,
    spans,
    tokens: {
      input: sum((c) => c.input - c.cachedInput), output: sum((c) => c.output - c.reasoning), cachedInput: sum((c) => c.cachedInput),
      cacheCreation: 0, reasoning: sum((c) => c.reasoning), audio: 0,
    },
    cost,
    costMicros: cost.times(1_000_000).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(),
    callsByModel,
  };
}

/**
 * Vercel AI SDK `ReadableSpan` dumps: the provider calls are the
 * `ai.*.doGenerate`, `doStream` and `doEmbed` spans; their wrappers repeat
 * the same usage and are not calls. An embedding reports `ai.usage.tokens`.
 */
function readableSpans(spans: Json[]) {
  const calls = spans
    .filter((s) => /\.do(Generate|Stream|Embed)$/.test(s.attributes['ai.operationId'] ?? ''))
    .map((s): ModelCall => {
      const a = s.attributes;
      return {
        model: a['gen_ai.response.model'] ?? a['ai.response.model'] ?? a['ai.model.id'],
        input: a['gen_ai.usage.input_tokens'] ?? a['ai.usage.inputTokens'] ?? a['ai.usage.promptTokens'] ?? a['ai.usage.tokens'] ?? 0,
        output: a['gen_ai.usage.output_tokens'] ?? a['ai.usage.outputTokens'] ?? a['ai.usage.completionTokens'] ?? 0,
        cachedInput: a['ai.usage.cachedInputTokens'] ?? 0,
        reasoning: a['ai.usage.reasoningTokens'] ?? 0,
      };
    });
  return { traceIds: spans.map((s) => String(s.spanContext.traceId).toLowerCase()), spans: spans.length, calls };
}

/** OTLP/JSON: a model call names a GenAI operation; usage is in the `gen_ai.usage.*` attributes. */
function otlpJson(document: Json) {
  const spans: Json[] = document.resourceSpans.flatMap((r: Json) => r.scopeSpans.flatMap((s: Json) => s.spans));
  const calls = spans.flatMap((s): ModelCall[] => {
    const a = Object.fromEntries((s.attributes ?? []).map((kv: Json) => [kv.key, Object.values(kv.value)[0]]));
    if (!a['gen_ai.operation.name']) return [];
    const count = (key: string) => Number(a[key] ?? 0);
    return [{
      model: String(a['gen_ai.response.model'] ?? a['gen_ai.request.model']),
      input: count('gen_ai.usage.input_tokens'), output: count('gen_ai.usage.output_tokens'),
      cachedInput: count('gen_ai.usage.cache_read.input_tokens'), reasoning: count('gen_ai.usage.reasoning.output_tokens'),
    }];
  });
  return { traceIds: spans.map((s) => String(s.traceId).toLowerCase()), spans: spans.length, calls };
}

/** Langfuse trace exports: one observation per span; the model calls are the GENERATION and EMBEDDING observations, with `usageDetails`. */
function langfuse(document: Json) {
  const observations: Json[] = document.observations;
  const calls = observations
    .filter((o) => o.type === 'GENERATION' || o.type === 'EMBEDDING')
    .map((o): ModelCall => {
      const u = o.usageDetails ?? {};
      return { model: o.model, input: u.input ?? 0, output: u.output ?? 0, cachedInput: u['prompt_details.cache_read'] ?? 0, reasoning: u['completion_details.reasoning'] ?? 0 };
    });
  return { traceIds: [String(document.trace.id)], spans: observations.length, calls };
}
