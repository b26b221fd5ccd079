import { ident } from '@estate/projection';
import { ActivitySummary } from '@estate/reporting-model';
import type { Pool } from 'pg';
import { normaliseDecimal, Window } from './workflow-figures';

/** Steps whose usage the cost ledger prices; other spans (an agent run, say) may repeat their children's usage. */
const MODEL_CALL_STEPS = ['llm_call', 'embedding'];

/**
 * Counts the tenant's whole activity in one window, independent of workflow
 * attribution: traces by first span start, spans and token classes by span
 * start, cost by call time, decisions by decision time, approvals by the time
 * they were requested or reached their state, windows by their start.
 */
export async function activitySummary(pool: Pool, schema: string, w: Window): Promise<ActivitySummary> {
  const s = ident(schema);
  const { rows } = await pool.query(
    `SELECT
       (SELECT count(*) FROM ${s}.trace_facts WHERE tenant_id = $1 AND started_at >= $2 AND started_at < $3)::int AS traces,
       sp.spans, sp.input, sp.output, sp.cached_input, sp.cache_creation, sp.reasoning, sp.audio,
       (SELECT coalesce(sum(cost), 0)::text FROM ${s}.cost_facts WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3) AS cost,
       d.allow, d.deny, d.require_approval, a.requested, a.granted, a.denied, a.expired,
       (SELECT count(*) FROM ${s}.exception_windows WHERE tenant_id = $1 AND starts_at >= $2 AND starts_at < $3)::int AS windows
     FROM (SELECT count(*)::int AS spans,
                  coalesce(sum(input_tokens - cached_input_tokens - cache_creation_tokens) FILTER (WHERE step = ANY($4)), 0)::text AS input,
                  coalesce(sum(output_tokens) FILTER (WHERE step = ANY($4)), 0)::text AS output,
                  coalesce(sum(cached_input_tokens) FILTER (WHERE step = ANY($4)), 0)::text AS cached_input,
                  coalesce(sum(cache_creation_tokens) FILTER (WHERE step = ANY($4)), 0)::text AS cache_creation,
                  coalesce(sum(reasoning_tokens) FILTER (WHERE step = ANY($4)), 0)::text AS reasoning,
                  coalesce(sum(audio_input_tokens + audio_output_tokens) FILTER (WHERE step = ANY($4)), 0)::text AS audio
           FROM ${s}.span_facts WHERE tenant_id = $1 AND started_at >= $2 AND started_at < $3) sp,
          (SELECT count(*) FILTER (WHERE outcome = 'allow')::int AS allow, count(*) FILTER (WHERE outcome = 'deny')::int AS deny,
                  count(*) FILTER (WHERE outcome = 'require_approval')::int AS require_approval
           FROM ${s}.decision_facts WHERE tenant_id = $1 AND decided_at >= $2 AND decided_at < $3) d,
          (SELECT count(*) FILTER (WHERE requested_at >= $2 AND requested_at < $3)::int AS requested,
                  count(*) FILTER (WHERE state = 'granted' AND decided_at >= $2 AND decided_at < $3)::int AS granted,
                  count(*) FILTER (WHERE state = 'denied' AND decided_at >= $2 AND decided_at < $3)::int AS denied,
                  count(*) FILTER (WHERE state = 'expired' AND decided_at >= $2 AND decided_at < $3)::int AS expired
           FROM ${s}.approvals WHERE tenant_id = $1) a`,
    [w.tenantId, w.from, w.to, MODEL_CALL_STEPS],
  );
  const r = rows[0];
  const cost = normaliseDecimal(r.cost);
  return {
    traces: r.traces,
    spans: r.spans,
    tokens: {
      input: Number(r.input), output: Number(r.output), cachedInput: Number(r.cached_input), cacheCreation: Number(r.cache_creation),
      reasoning: Number(r.reasoning), audio: Number(r.audio),
    },
    costMicros: toMicros(cost),
    cost,
    decisions: { allow: r.allow, deny: r.deny, requireApproval: r.require_approval },
    approvals: { requested: r.requested, granted: r.granted, denied: r.denied, expired: r.expired },
    exceptionWindowsOpened: r.windows,
  };
}

/** Converts a decimal USD string to whole micro-USD, rounding half away from zero below the sixth place. */
export function toMicros(usd: string): string {
  const negative = usd.startsWith('-');
  const [whole, fraction = ''] = usd.replace(/^-/, '').split('.');
  let micros = BigInt(whole) * 1_000_000n + BigInt((fraction + '000000').slice(0, 6));
  if ((fraction[6] ?? '0') >= '5') micros += 1n;
  return (negative && micros > 0n ? -micros : micros).toString();
}
