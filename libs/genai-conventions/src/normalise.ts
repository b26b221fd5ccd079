import type { CanonicalSpan, SpanStep } from '@estate/contracts';
import { AttributeReader } from './attributes';
import { extractContext } from './context';
import { extractReportedCost } from './cost';
import type { SpanInput } from './span-input';
import { classifyStep } from './step';
import { extractUsage } from './usage';

/**
 * Steps whose usage is counted. Agent, workflow and wrapper spans often
 * repeat the totals of the model calls beneath them, so usage on any other
 * step stays in the raw attributes only and never reaches the aggregates.
 */
export const USAGE_STEPS: ReadonlySet<SpanStep> = new Set<SpanStep>(['llm_call', 'embedding']);

const STATUS = ['unset', 'ok', 'error'] as const;

/** Maps one decoded span to the canonical model, keeping raw attributes and resource alongside. */
export function normaliseSpan(span: SpanInput): CanonicalSpan {
  const attributes = new AttributeReader(span.attributes, span.resource);
  const step = classifyStep(span, attributes);
  const canonical: CanonicalSpan = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    step,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    status: STATUS[span.statusCode] ?? 'unset',
    context: extractContext(attributes, step, span.name),
    attributes: span.attributes,
    resource: span.resource,
  };
  if (span.parentSpanId) canonical.parentSpanId = span.parentSpanId;
  if (span.statusMessage) canonical.statusMessage = span.statusMessage;
  if (USAGE_STEPS.has(step)) {
    const usage = extractUsage(attributes);
    if (usage) canonical.usage = usage;
  }
  const cost = extractReportedCost(attributes);
  if (cost && USAGE_STEPS.has(step)) canonical.reportedCost = cost;
  if (span.events.length > 0) canonical.events = span.events;
  if (span.scope?.name) canonical.scope = span.scope.version ? `${span.scope.name}@${span.scope.version}` : span.scope.name;
  return canonical;
}
