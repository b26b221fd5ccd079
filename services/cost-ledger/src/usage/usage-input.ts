import { CanonicalSpan, EventEnvelope, SpansRecorded, SpansRecordedV1, UsageRecorded, UsageRecordedV1 } from '@estate/contracts';
import { DimensionValues, NO_USAGE, UsageQuantities } from '@estate/pricing';

/** One billable call, from a span or from a usage event, before pricing. */
export interface UsageInput {
  tenantId: string;
  /** `<trace id>:<span id>` for spans, so every redelivery of a span maps to one record. */
  usageId: string;
  source: 'span' | 'usage-event';
  eventId: string;
  traceId: string | null;
  spanId: string | null;
  sessionId: string | null;
  step: string | null;
  occurredAt: Date;
  /** Attribution as reported; `model` is the reported name until pricing resolves it. */
  dimensions: DimensionValues;
  modelReported: string;
  quantities: UsageQuantities;
  batch: boolean;
}

/** A step of an execution path, counted per trace to find loops and retries. */
export interface StepObservation {
  tenantId: string;
  traceId: string;
  spanId: string;
  stepKey: string;
  failed: boolean;
  dimensions: DimensionValues;
}

const BILLED_STEPS = new Set(['llm_call', 'embedding']);
const COUNTED_STEPS = new Set(['llm_call', 'embedding', 'tool_call', 'retrieval', 'agent_invocation']);

export interface ExtractedUsage {
  usage: UsageInput[];
  steps: StepObservation[];
}

/** Turns a batch of span and usage events into billable calls and step observations; the first record of a usage id wins. */
export function extractUsage(events: EventEnvelope[]): ExtractedUsage {
  const usage = new Map<string, UsageInput>();
  const steps: StepObservation[] = [];
  for (const event of events) {
    if (event.type === SpansRecordedV1.type) {
      const payload = event.payload as SpansRecorded;
      for (const span of payload.spans) {
        if (BILLED_STEPS.has(span.step) && span.usage) {
          const input = fromSpan(event, span);
          if (!usage.has(`${input.tenantId}\u0000${input.usageId}`)) usage.set(`${input.tenantId}\u0000${input.usageId}`, input);
        }
        if (COUNTED_STEPS.has(span.step)) steps.push(stepOf(event.tenantId, span));
      }
    } else if (event.type === UsageRecordedV1.type) {
      const input = fromUsageEvent(event as EventEnvelope<UsageRecorded>);
      if (!usage.has(`${input.tenantId}\u0000${input.usageId}`)) usage.set(`${input.tenantId}\u0000${input.usageId}`, input);
    }
  }
  return { usage: [...usage.values()], steps };
}

function fromSpan(event: EventEnvelope, span: CanonicalSpan): UsageInput {
  const c = span.context;
  const u = span.usage ?? {};
  return {
    tenantId: event.tenantId,
    usageId: `${span.traceId}:${span.spanId}`,
    source: 'span',
    eventId: event.eventId,
    traceId: span.traceId,
    spanId: span.spanId,
    sessionId: c.sessionId ?? null,
    step: span.step,
    occurredAt: new Date(Number(BigInt(span.startTimeUnixNano) / 1_000_000n)),
    dimensions: {
      workflow: c.workflow,
      product: c.product,
      environment: c.environment,
      team: c.team,
      agent: c.agent,
      modelRoute: c.modelRoute,
      provider: c.provider,
      model: c.modelServed ?? c.modelRequested,
      policyClass: c.policyClass,
    },
    modelReported: c.modelServed ?? c.modelRequested ?? '',
    quantities: {
      ...NO_USAGE,
      input: u.input ?? 0,
      output: u.output ?? 0,
      cachedInput: u.cachedInput ?? 0,
      cacheCreation: u.cacheCreation ?? 0,
      reasoning: u.reasoning ?? 0,
      audioInput: u.audioInput ?? 0,
      audioOutput: u.audioOutput ?? 0,
    },
    batch: false,
  };
}

function fromUsageEvent(event: EventEnvelope<UsageRecorded>): UsageInput {
  const p = event.payload;
  const u = p.usage;
  return {
    tenantId: event.tenantId,
    usageId: p.usageId,
    source: 'usage-event',
    eventId: event.eventId,
    traceId: p.traceId ?? null,
    spanId: p.spanId ?? null,
    sessionId: p.sessionId ?? null,
    step: null,
    occurredAt: new Date(p.occurredAt),
    dimensions: {
      workflow: p.workflow,
      product: p.product,
      environment: p.environment,
      team: p.team,
      agent: p.agent,
      modelRoute: p.modelRoute,
      provider: p.provider,
      model: p.model,
      policyClass: p.policyClass,
    },
    modelReported: p.model,
    quantities: {
      input: u.input ?? 0,
      output: u.output ?? 0,
      cachedInput: u.cachedInput ?? 0,
      cacheCreation: u.cacheCreation ?? 0,
      cacheCreation1h: u.cacheCreation1h ?? 0,
      reasoning: u.reasoning ?? 0,
      audioInput: u.audioInput ?? 0,
      audioOutput: u.audioOutput ?? 0,
      imagesInput: u.imagesInput ?? 0,
      imagesOutput: u.imagesOutput ?? 0,
      requests: u.requests ?? 1,
    },
    batch: p.batch ?? false,
  };
}

function stepOf(tenantId: string, span: CanonicalSpan): StepObservation {
  const c = span.context;
  const target = c.tool ?? c.modelRequested ?? c.modelServed ?? span.name;
  return {
    tenantId,
    traceId: span.traceId,
    spanId: span.spanId,
    stepKey: `${span.step}|${c.agent ?? ''}|${target}`,
    failed: span.status === 'error',
    dimensions: { workflow: c.workflow, agent: c.agent, environment: c.environment, team: c.team },
  };
}
