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
  const byId = new Map(spans.map((s) => [`${s.traceId}:${s.spanId}`, s]));
  for (const span of spans) {
    for (const key of INHERITED) {
      if (span.context[key]) continue;
      let ancestor = span.parentSpanId ? byId.get(`${span.traceId}:${span.parentSpanId}`) : undefined;
      for (let depth = 0; ancestor && depth < 64; depth += 1) {
        const value = ancestor.context[key];
        if (value) {
          span.context[key] = value;
          break;
        }
        ancestor = ancestor.parentSpanId ? byId.get(`${ancestor.traceId}:${ancestor.parentSpanId}`) : undefined;
      }
    }
  }
}
