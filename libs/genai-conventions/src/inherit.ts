import type { CanonicalSpan, SpanContext } from '@estate/contracts';

/** Context a span inherits from its nearest ancestor that names it: the agent it runs under and the workflow it belongs to. */
const INHERITED: Array<keyof SpanContext> = ['agent', 'workflow'];

/**
 * Fills inherited context from ancestors present in the same batch, in
 * place. Exporters send a request's spans together, so this covers the
 * usual case; a span whose ancestors arrive in another request keeps only
 * what it names itself.
 */
export function inheritContext(spans: CanonicalSpan[]): void {
  const byTrace = new Map<string, Map<string, CanonicalSpan>>();
  for (const span of spans) {
    let family = byTrace.get(span.traceId);
    if (!family) {
      family = new Map();
      byTrace.set(span.traceId, family);
    }
    family.set(span.spanId, span);
  }
  for (const span of spans) {
    if (!span.parentSpanId) continue;
    const family = byTrace.get(span.traceId)!;
    for (const key of INHERITED) {
      if (span.context[key]) continue;
      let ancestor = family.get(span.parentSpanId);
      for (let depth = 0; ancestor && depth < 64; depth += 1) {
        const value = ancestor.context[key];
        if (value) {
          span.context[key] = value;
          break;
        }
        ancestor = ancestor.parentSpanId ? family.get(ancestor.parentSpanId) : undefined;
      }
    }
  }
}
