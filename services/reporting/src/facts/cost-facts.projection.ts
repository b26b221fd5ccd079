import { CanonicalSpan, EventEnvelope, SpansRecorded, SpansRecordedV1, UsageRecorded, UsageRecordedV1 } from '@estate/contracts';
import { Projection, ProjectionContext } from '@estate/projection';
import { PricedCall, Pricer } from './pricer';
import { ColumnSpec, onePerKey, upsertRows } from './sql';

const COLUMNS: readonly ColumnSpec[] = [
  ['tenant_id', 'text'], ['cost_key', 'text'], ['source', 'text'], ['event_id', 'uuid'], ['trace_id', 'text'], ['span_id', 'text'],
  ['usage_id', 'text'], ['occurred_at', 'timestamptz'], ['workflow', 'text'], ['team', 'text'], ['agent', 'text'], ['model_route', 'text'],
  ['model', 'text'], ['provider', 'text'], ['input_tokens', 'bigint'], ['output_tokens', 'bigint'], ['total_tokens', 'bigint'],
  ['cost', 'numeric'], ['unpriced_reason', 'text'],
];

/** A usage record describes a call more exactly than the span that carried its tokens, so it ranks higher. */
const SOURCE_RANK = `CASE %s.source WHEN 'usage' THEN 2 ELSE 1 END`;
const rankOf = (source: string) => (source === 'usage' ? 2 : 1);

interface CostRow {
  tenant_id: string;
  cost_key: string;
  source: 'span' | 'usage';
  event_id: string;
  [column: string]: unknown;
}

const callKey = (traceId: string, spanId: string) => `span:${traceId}:${spanId}`;

/** Steps whose usage is a billed model call; the cost ledger prices the same ones, so a span repeating its children's totals is not counted twice. */
const MODEL_CALL_STEPS: ReadonlySet<string> = new Set(['llm_call', 'embedding']);

/**
 * Projects every priced model call into `cost_facts`: spans that carry token
 * usage, and usage records. A usage record that names its span replaces
 * that span's row (the same call reported twice), whichever arrives first;
 * among rows of equal rank the greater event id wins, so a rebuild that
 * reads the two topics in another interleaving gives the same rows.
 */
export class CostFactsProjection implements Projection {
  readonly name = 'reporting-costs';
  readonly handles = [SpansRecordedV1.type, UsageRecordedV1.type];
  readonly tables = [{ name: 'cost_facts' }];

  constructor(
    readonly topics: string[],
    private readonly pricer: Pricer,
  ) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const rows = events.flatMap((e) => (e.type === SpansRecordedV1.type ? this.spanRows(e) : [this.usageRow(e)]));
    const unique = onePerKey(
      rows,
      (r) => `${r.tenant_id}\u0000${r.cost_key}`,
      (a, b) => rankOf(a.source) > rankOf(b.source) || (rankOf(a.source) === rankOf(b.source) && a.event_id > b.event_id),
    );
    const stored = SOURCE_RANK.replace('%s', 't');
    const incoming = SOURCE_RANK.replace('%s', 'excluded');
    await upsertRows(
      client,
      schema,
      { table: 'cost_facts', columns: COLUMNS, key: ['tenant_id', 'cost_key'], replaceWhen: `(${incoming}, excluded.event_id) > (${stored}, t.event_id)` },
      unique,
    );
  }

  private spanRows(event: EventEnvelope): CostRow[] {
    const calls = (event.payload as SpansRecorded).spans.filter((s) => s.usage && MODEL_CALL_STEPS.has(s.step));
    return calls.map((span) => this.spanRow(event, span));
  }

  private spanRow(event: EventEnvelope, span: CanonicalSpan): CostRow {
    const c = span.context;
    const u = span.usage ?? {};
    const model = c.modelServed ?? c.modelRequested;
    const at = new Date(Number(BigInt(span.startTimeUnixNano) / 1_000_000n));
    const priced = this.priceSpan(event.tenantId, span, model, at);
    const input = (u.input ?? 0) + (u.cachedInput ?? 0) + (u.cacheCreation ?? 0);
    return {
      tenant_id: event.tenantId,
      cost_key: callKey(span.traceId, span.spanId),
      source: 'span',
      event_id: event.eventId,
      trace_id: span.traceId,
      span_id: span.spanId,
      usage_id: null,
      occurred_at: at.toISOString(),
      workflow: c.workflow ?? null,
      team: c.team ?? null,
      agent: c.agent ?? null,
      model_route: c.modelRoute ?? null,
      model: model ?? '',
      provider: c.provider ?? null,
      input_tokens: input,
      output_tokens: u.output ?? 0,
      total_tokens: u.total ?? input + (u.output ?? 0),
      cost: priced.cost,
      unpriced_reason: priced.unpricedReason,
    };
  }

  /** Prices a span's usage; a call without a model name keeps its tokens and stays unpriced rather than being left out. */
  private priceSpan(tenantId: string, span: CanonicalSpan, model: string | undefined, at: Date): PricedCall {
    if (!model) return { cost: null, unpricedReason: 'the span reports token usage but no model name' };
    const u = span.usage ?? {};
    return this.pricer.price(tenantId, model, span.context.provider, at, {
      input: u.input ?? 0,
      output: u.output ?? 0,
      cachedInput: u.cachedInput ?? 0,
      cacheCreation: u.cacheCreation ?? 0,
      reasoning: u.reasoning ?? 0,
      audioInput: u.audioInput ?? 0,
      audioOutput: u.audioOutput ?? 0,
    });
  }

  private usageRow(event: EventEnvelope): CostRow {
    const p = event.payload as UsageRecorded;
    const u = p.usage;
    const priced = this.pricer.price(event.tenantId, p.model, p.provider, new Date(p.occurredAt), {
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
    });
    const input = (u.input ?? 0) + (u.cachedInput ?? 0) + (u.cacheCreation ?? 0) + (u.cacheCreation1h ?? 0);
    return {
      tenant_id: event.tenantId,
      cost_key: p.traceId && p.spanId ? callKey(p.traceId, p.spanId) : `usage:${p.usageId}`,
      source: 'usage',
      event_id: event.eventId,
      trace_id: p.traceId ?? null,
      span_id: p.spanId ?? null,
      usage_id: p.usageId,
      occurred_at: new Date(p.occurredAt).toISOString(),
      workflow: p.workflow ?? null,
      team: p.team ?? null,
      agent: p.agent ?? null,
      model_route: p.modelRoute ?? null,
      model: p.model,
      provider: p.provider ?? null,
      input_tokens: input,
      output_tokens: u.output ?? 0,
      total_tokens: input + (u.output ?? 0),
      cost: priced.cost,
      unpriced_reason: priced.unpricedReason,
    };
  }
}
