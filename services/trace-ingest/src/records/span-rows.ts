import type { CanonicalSpan, EventEnvelope, SpansRecorded } from '@estate/contracts';

/** One row of the `spans` table as the projection stages it for Postgres. */
export interface SpanRow {
  tenant_id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  step: string;
  start_ns: string;
  end_ns: string;
  status: string;
  status_message: string | null;
  service: string | null;
  environment: string | null;
  workflow: string | null;
  agent: string | null;
  tool: string | null;
  model: string | null;
  provider: string | null;
  context: unknown;
  usage: unknown;
  reported_cost: unknown;
  attributes: unknown;
  resource: unknown;
  events: unknown;
  scope: string | null;
  source: string;
}

export function spanRows(events: EventEnvelope[]): SpanRow[] {
  const rows: SpanRow[] = [];
  for (const event of events) {
    const payload = event.payload as SpansRecorded;
    for (const span of payload.spans) rows.push(toRow(event.tenantId, payload.source, span));
  }
  return rows;
}

function toRow(tenantId: string, source: string, span: CanonicalSpan): SpanRow {
  const c = span.context;
  return {
    tenant_id: tenantId,
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId ?? null,
    name: span.name,
    step: span.step,
    start_ns: span.startTimeUnixNano,
    end_ns: span.endTimeUnixNano,
    status: span.status,
    status_message: span.statusMessage ?? null,
    service: c.service ?? null,
    environment: c.environment ?? null,
    workflow: c.workflow ?? null,
    agent: c.agent ?? null,
    tool: c.tool ?? null,
    model: c.modelServed ?? c.modelRequested ?? null,
    provider: c.provider ?? null,
    context: c,
    usage: span.usage ?? null,
    reported_cost: span.reportedCost ?? null,
    attributes: span.attributes,
    resource: span.resource,
    events: span.events ?? null,
    scope: span.scope ?? null,
    source,
  };
}
