import { CanonicalSpan, EventEnvelope, SpansRecorded, SpansRecordedV1 } from '@estate/contracts';
import { ident, Projection, ProjectionContext } from '@estate/projection';
import { ColumnSpec, onePerKey, upsertRows } from './sql';

const SPAN_COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['trace_id', 'text'], ['span_id', 'text'], ['step', 'text'], ['status', 'text'], ['error_type', 'text'],
  ['start_ns', 'bigint'], ['end_ns', 'bigint'], ['started_at', 'timestamptz'], ['duration_ms', 'double precision'],
  ['workflow', 'text'], ['agent', 'text'], ['tool', 'text'], ['model', 'text'], ['model_route', 'text'], ['prompt_version', 'text'],
  ['policy_class', 'text'], ['environment', 'text'], ['team', 'text'],
  ['input_tokens', 'bigint'], ['output_tokens', 'bigint'], ['total_tokens', 'bigint'], ['event_id', 'uuid'],
  ['cached_input_tokens', 'bigint'], ['cache_creation_tokens', 'bigint'], ['reasoning_tokens', 'bigint'], ['audio_input_tokens', 'bigint'],
  ['audio_output_tokens', 'bigint'],
];

interface SpanRow {
  tenant_id: string;
  trace_id: string;
  span_id: string;
  end_ns: string;
  event_id: string;
  [column: string]: unknown;
}

/** The error type of a failed span: OpenTelemetry's `error.type` attribute, else the status message. */
export function errorTypeOf(span: CanonicalSpan): string | null {
  if (span.status !== 'error') return null;
  const attribute = span.attributes?.['error.type'];
  if (typeof attribute === 'string' && attribute) return attribute.slice(0, 200);
  return span.statusMessage ? span.statusMessage.slice(0, 200) : 'unknown';
}

/** Tokens of one call; `total` falls back to the sum of the classes when the producer sent none. */
export function spanTokens(span: CanonicalSpan): { input: number; output: number; total: number } {
  const u = span.usage ?? {};
  const input = (u.input ?? 0) + (u.cachedInput ?? 0) + (u.cacheCreation ?? 0);
  const output = u.output ?? 0;
  return { input, output, total: u.total ?? input + output };
}

function toRow(event: EventEnvelope, span: CanonicalSpan): SpanRow {
  const start = BigInt(span.startTimeUnixNano);
  const end = BigInt(span.endTimeUnixNano);
  const tokens = spanTokens(span);
  const c = span.context ?? {};
  return {
    tenant_id: event.tenantId,
    trace_id: span.traceId,
    span_id: span.spanId,
    step: span.step,
    status: span.status,
    error_type: errorTypeOf(span),
    start_ns: start.toString(),
    end_ns: end.toString(),
    started_at: new Date(Number(start / 1_000_000n)).toISOString(),
    duration_ms: end > start ? Number(end - start) / 1e6 : 0,
    workflow: c.workflow ?? null,
    agent: c.agent ?? null,
    tool: c.tool ?? null,
    model: c.modelServed ?? c.modelRequested ?? null,
    model_route: c.modelRoute ?? null,
    prompt_version: c.promptVersion ?? null,
    policy_class: c.policyClass ?? null,
    environment: c.environment ?? null,
    team: c.team ?? null,
    input_tokens: tokens.input,
    output_tokens: tokens.output,
    total_tokens: span.usage ? tokens.total : 0,
    event_id: event.eventId,
    cached_input_tokens: span.usage?.cachedInput ?? 0,
    cache_creation_tokens: span.usage?.cacheCreation ?? 0,
    reasoning_tokens: span.usage?.reasoning ?? 0,
    audio_input_tokens: span.usage?.audioInput ?? 0,
    audio_output_tokens: span.usage?.audioOutput ?? 0,
  };
}

const laterSpan = (a: SpanRow, b: SpanRow) => BigInt(a.end_ns) > BigInt(b.end_ns) || (a.end_ns === b.end_ns && a.event_id > b.event_id);

/**
 * Projects spans into `span_facts` and recomputes `trace_facts` for every
 * touched trace from all of its stored spans. A span delivered again keeps
 * the version that ends later (then the greater event id), so the rows do
 * not depend on arrival order. A trace's workflow is the first workflow its
 * spans name, in start order, because producers often set it on the root only.
 */
export class TraceFactsProjection implements Projection {
  readonly name = 'reporting-traces';
  readonly handles = [SpansRecordedV1.type];
  readonly tables = [{ name: 'span_facts' }, { name: 'trace_facts' }];

  constructor(readonly topics: string[]) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const rows = events.flatMap((e) => (e.payload as SpansRecorded).spans.map((span) => toRow(e, span)));
    const unique = onePerKey(rows, (r) => `${r.tenant_id}\u0000${r.trace_id}\u0000${r.span_id}`, laterSpan);
    await upsertRows(
      client,
      schema,
      { table: 'span_facts', columns: SPAN_COLUMNS, key: ['tenant_id', 'trace_id', 'span_id'], replaceWhen: '(excluded.end_ns, excluded.event_id) > (t.end_ns, t.event_id)' },
      unique,
    );
    const touched = onePerKey(unique, (r) => `${r.tenant_id}\u0000${r.trace_id}`);
    await this.recomputeTraces(client, schema, touched.map((r) => r.tenant_id), touched.map((r) => r.trace_id));
  }

  private async recomputeTraces(client: ProjectionContext['client'], schema: string, tenants: string[], traces: string[]): Promise<void> {
    const s = ident(schema);
    const first = (column: string) => `(array_agg(f.${column} ORDER BY f.start_ns, f.span_id) FILTER (WHERE f.${column} IS NOT NULL))[1]`;
    await client.query(
      `INSERT INTO ${s}.trace_facts AS t (tenant_id, trace_id, workflow, environment, team, started_at, duration_ms, span_count, error_count, has_policy_context, total_tokens)
       SELECT f.tenant_id, f.trace_id, ${first('workflow')}, ${first('environment')}, ${first('team')},
              min(f.started_at), greatest(max(f.end_ns) - min(f.start_ns), 0) / 1e6,
              count(*), count(*) FILTER (WHERE f.status = 'error'), bool_or(f.policy_class IS NOT NULL), sum(f.total_tokens)
       FROM unnest($1::text[], $2::text[]) AS touched(tenant_id, trace_id)
       JOIN ${s}.span_facts f ON f.tenant_id = touched.tenant_id AND f.trace_id = touched.trace_id
       GROUP BY f.tenant_id, f.trace_id
       ON CONFLICT (tenant_id, trace_id) DO UPDATE SET workflow = excluded.workflow, environment = excluded.environment, team = excluded.team,
         started_at = excluded.started_at, duration_ms = excluded.duration_ms, span_count = excluded.span_count, error_count = excluded.error_count,
         has_policy_context = excluded.has_policy_context, total_tokens = excluded.total_tokens`,
      [tenants, traces],
    );
  }
}
