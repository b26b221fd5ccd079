import { EventEnvelope, SpansRecordedV1 } from '@estate/contracts';
import { ident, Projection, ProjectionContext } from '@estate/projection';
import { spanRows } from './span-rows';
import { stageSpanRows, STAGING_TABLE } from './span-staging';

const COPIED = [
  'parent_span_id', 'name', 'step', 'start_ns', 'end_ns', 'status', 'status_message', 'service', 'environment', 'workflow',
  'agent', 'tool', 'model', 'provider', 'context', 'usage', 'reported_cost', 'attributes', 'resource', 'events', 'scope', 'source', 'content_hash',
];

/** Reads a staged column with the type of its `spans` column. Only the times are staged as text (see span-staging.ts). */
const fromStaged = (column: string) => (column.endsWith('_ns') ? `${column}::bigint` : column);

/** Deliveries of one span can differ in inherited context (an ancestor sent along or not); the one knowing more wins. */
const CONTEXT_KEYS = (column: string) => `(SELECT count(*) FROM jsonb_object_keys(${column}))`;

const TOKEN_CLASSES: Array<[string, string]> = [
  ['input_tokens', 'input'],
  ['output_tokens', 'output'],
  ['cached_input_tokens', 'cachedInput'],
  ['cache_creation_tokens', 'cacheCreation'],
  ['reasoning_tokens', 'reasoning'],
  ['audio_input_tokens', 'audioInput'],
  ['audio_output_tokens', 'audioOutput'],
  ['total_tokens', 'total'],
];

/**
 * Projects `trace.spans.recorded` into spans and per-trace aggregates: the
 * batch's span rows are copied into a staging table, then two statements
 * upsert the spans and recompute the aggregates. Spans are upserted by
 * (tenant, trace, span): a repeated span replaces the stored one only when
 * it ends later, or carries more context, or else has a greater content
 * hash, so deliveries in any order leave the same row. Aggregates are then
 * recomputed from all stored spans of each touched trace, which keeps them independent of arrival order and
 * lets a late parent turn an orphan into a child.
 */
export class TraceProjection implements Projection {
  readonly name = 'trace-record';
  readonly handles = [SpansRecordedV1.type];
  readonly tables = [{ name: 'spans' }, { name: 'traces' }];
  /** Events are keyed by trace id, so two partitions never write the same span or trace row. */
  readonly partitionConcurrency = 3;
  /** The whole effect stays in Postgres: a lost commit is fetched again from Kafka. */
  readonly asyncCommit = true;
  /** Each batch costs about ten round trips and a commit whatever its size, so a fetch waits up to 100 ms for 256 KiB. */
  readonly fetch = { minBytes: 256 * 1024, maxWaitMs: 100 };

  constructor(readonly topics: string[]) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const rows = spanRows(events);
    if (rows.length === 0) return;
    const s = ident(schema);
    await stageSpanRows(client, rows);
    await client.query(
      `WITH staged AS (DELETE FROM ${STAGING_TABLE} RETURNING *)
       INSERT INTO ${s}.spans (tenant_id, trace_id, span_id, ${COPIED.join(', ')})
       SELECT DISTINCT ON (tenant_id, trace_id, span_id) tenant_id, trace_id, span_id, ${COPIED.map(fromStaged).join(', ')}
       FROM staged
       ORDER BY tenant_id, trace_id, span_id, end_ns::bigint DESC, context_keys DESC, content_hash DESC
       ON CONFLICT (tenant_id, trace_id, span_id) DO UPDATE SET ${COPIED.map((c) => `${c} = excluded.${c}`).join(', ')}
       WHERE (excluded.end_ns, ${CONTEXT_KEYS('excluded.context')}, excluded.content_hash) > (spans.end_ns, ${CONTEXT_KEYS('spans.context')}, spans.content_hash)`,
    );
    const touched = new Map(rows.map((r) => [`${r.tenant_id}\u0000${r.trace_id}`, r]));
    await this.recomputeTraces(client, s, [...touched.values()].map((r) => r.tenant_id), [...touched.values()].map((r) => r.trace_id));
  }

  private async recomputeTraces(client: ProjectionContext['client'], s: string, tenants: string[], traces: string[]): Promise<void> {
    const tokenSums = TOKEN_CLASSES.map(([column, key]) => `coalesce(sum((sp.usage->>'${key}')::bigint), 0) AS ${column}`).join(',\n         ');
    const distinct = (column: string) => `coalesce(array_agg(DISTINCT sp.${column} ORDER BY sp.${column}) FILTER (WHERE sp.${column} IS NOT NULL), '{}')`;
    const first = (column: string) => `(array_agg(sp.${column} ORDER BY sp.parent_span_id IS NOT NULL, sp.start_ns, sp.span_id) FILTER (WHERE sp.${column} IS NOT NULL))[1]`;
    const columns = ['start_ns', 'end_ns', 'start_time', 'duration_ns', 'status', 'span_count', 'error_count', 'orphan_count', 'root_span_id', 'root_name', 'service', 'environment', 'workflow', ...TOKEN_CLASSES.map(([c]) => c), 'models', 'providers', 'tools', 'agents', 'services'];
    await client.query(
      `WITH touched AS (SELECT DISTINCT tenant_id, trace_id FROM unnest($1::text[], $2::text[]) AS t(tenant_id, trace_id)),
       linked AS (
         SELECT sp.*, (sp.parent_span_id IS NOT NULL AND parent.span_id IS NULL) AS orphan
         FROM touched JOIN ${s}.spans sp USING (tenant_id, trace_id)
         LEFT JOIN ${s}.spans parent ON parent.tenant_id = sp.tenant_id AND parent.trace_id = sp.trace_id AND parent.span_id = sp.parent_span_id),
       aggregated AS (
         SELECT sp.tenant_id, sp.trace_id,
           min(sp.start_ns) AS start_ns,
           max(sp.end_ns) AS end_ns,
           to_timestamp(min(sp.start_ns) / 1e9) AS start_time,
           greatest(max(sp.end_ns) - min(sp.start_ns), 0) AS duration_ns,
           CASE WHEN bool_or(sp.status = 'error') THEN 'error' WHEN bool_or(sp.status = 'ok') THEN 'ok' ELSE 'unset' END AS status,
           count(*) AS span_count,
           count(*) FILTER (WHERE sp.status = 'error') AS error_count,
           count(*) FILTER (WHERE sp.orphan) AS orphan_count,
           coalesce((array_agg(sp.span_id ORDER BY sp.parent_span_id IS NOT NULL, sp.start_ns, sp.span_id) FILTER (WHERE sp.parent_span_id IS NULL OR sp.orphan))[1], (array_agg(sp.span_id ORDER BY sp.start_ns, sp.span_id))[1]) AS root_span_id,
           coalesce((array_agg(sp.name ORDER BY sp.parent_span_id IS NOT NULL, sp.start_ns, sp.span_id) FILTER (WHERE sp.parent_span_id IS NULL OR sp.orphan))[1], (array_agg(sp.name ORDER BY sp.start_ns, sp.span_id))[1]) AS root_name,
           ${first('service')} AS service,
           ${first('environment')} AS environment,
           ${first('workflow')} AS workflow,
           ${tokenSums},
           ${distinct('model')} AS models,
           ${distinct('provider')} AS providers,
           ${distinct('tool')} AS tools,
           ${distinct('agent')} AS agents,
           ${distinct('service')} AS services
         FROM linked sp
         GROUP BY sp.tenant_id, sp.trace_id)
       INSERT INTO ${s}.traces (tenant_id, trace_id, ${columns.join(', ')})
       SELECT tenant_id, trace_id, ${columns.join(', ')} FROM aggregated
       ON CONFLICT (tenant_id, trace_id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
      [tenants, traces],
    );
  }
}
