import { ident } from '@estate/projection';
import { reachedNow, retryCount, SignalThresholds } from '@estate/pricing';
import type { PoolClient } from 'pg';
import { StepObservation } from '../usage/usage-input';
import { SignalCandidate } from './signal-rows';

/**
 * Counts each step's calls and failures per trace and returns a runaway-loop
 * or retries signal when a count first reaches its threshold. A span is
 * counted once, whatever the number of events that carried it.
 */
export async function detectTraceSignals(
  client: PoolClient,
  schema: string,
  steps: StepObservation[],
  thresholds: SignalThresholds,
  now: Date,
): Promise<SignalCandidate[]> {
  if (steps.length === 0) return [];
  const s = ident(schema);
  const counted = await client.query<{ tenant_id: string; trace_id: string; span_id: string }>(
    `INSERT INTO ${s}.counted_spans (tenant_id, trace_id, span_id)
     SELECT DISTINCT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT DO NOTHING RETURNING tenant_id, trace_id, span_id`,
    [steps.map((o) => o.tenantId), steps.map((o) => o.traceId), steps.map((o) => o.spanId)],
  );
  const fresh = new Set(counted.rows.map((r) => `${r.tenant_id}\u0000${r.trace_id}\u0000${r.span_id}`));

  const byStep = new Map<string, { observation: StepObservation; calls: number; failures: number }>();
  for (const o of steps) {
    if (!fresh.delete(`${o.tenantId}\u0000${o.traceId}\u0000${o.spanId}`)) continue;
    const key = `${o.tenantId}\u0000${o.traceId}\u0000${o.stepKey}`;
    const entry = byStep.get(key) ?? { observation: o, calls: 0, failures: 0 };
    entry.calls += 1;
    if (o.failed) entry.failures += 1;
    byStep.set(key, entry);
  }
  const grouped = [...byStep.values()].sort((a, b) => compareKeys(a.observation, b.observation));
  if (grouped.length === 0) return [];

  const { rows } = await client.query<{ tenant_id: string; trace_id: string; step_key: string; calls: number; failures: number }>(
    `INSERT INTO ${s}.trace_step_counts AS c (tenant_id, trace_id, step_key, calls, failures)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[])
     ON CONFLICT (tenant_id, trace_id, step_key) DO UPDATE SET calls = c.calls + excluded.calls, failures = c.failures + excluded.failures
     RETURNING tenant_id, trace_id, step_key, calls, failures`,
    [
      grouped.map((g) => g.observation.tenantId),
      grouped.map((g) => g.observation.traceId),
      grouped.map((g) => g.observation.stepKey),
      grouped.map((g) => g.calls),
      grouped.map((g) => g.failures),
    ],
  );

  const candidates: SignalCandidate[] = [];
  for (const row of rows) {
    const group = byStep.get(`${row.tenant_id}\u0000${row.trace_id}\u0000${row.step_key}`);
    if (!group) continue;
    const before = { calls: row.calls - group.calls, failures: row.failures - group.failures };
    const base = { tenantId: row.tenant_id, traceId: row.trace_id, scope: group.observation.dimensions, raisedAt: now };
    if (reachedNow(before.calls, row.calls, thresholds.loopCalls)) {
      candidates.push({ ...base, kind: 'runaway_loop', dedupeKey: `${row.trace_id}|${row.step_key}`, detail: { step: row.step_key, calls: row.calls, threshold: thresholds.loopCalls } });
    }
    const retriesBefore = retryCount(before.calls, before.failures);
    const retriesAfter = retryCount(row.calls, row.failures);
    if (reachedNow(retriesBefore, retriesAfter, thresholds.retryCalls)) {
      candidates.push({ ...base, kind: 'retries', dedupeKey: `${row.trace_id}|${row.step_key}`, detail: { step: row.step_key, retries: retriesAfter, failures: row.failures, threshold: thresholds.retryCalls } });
    }
  }
  return candidates;
}

function compareKeys(a: StepObservation, b: StepObservation): number {
  const left = `${a.tenantId}\u0000${a.traceId}\u0000${a.stepKey}`;
  const right = `${b.tenantId}\u0000${b.traceId}\u0000${b.stepKey}`;
  if (left === right) return 0;
  return left < right ? -1 : 1;
}
