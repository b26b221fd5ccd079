import { ident } from '@estate/projection';
import { compareScaled, isOversized, isSpike, money, parseScaled, SignalThresholds } from '@estate/pricing';
import type { PoolClient } from 'pg';
import { numberArrayLiteral, textArrayLiteral } from '../usage/postgres-arrays';
import { PricedUsage } from '../usage/price-usage';
import { SignalCandidate } from './signal-rows';

const BASELINE_HOURS = 7 * 24;

const promptTokensOf = (u: PricedUsage): number =>
  u.quantities.input + u.quantities.cachedInput + u.quantities.cacheCreation + u.quantities.cacheCreation1h;

/**
 * Compares each new call's prompt with its workflow's mean prompt before this
 * batch, and adds the batch to the workflow's statistics in the same
 * statement. Calls without a workflow have no baseline and are skipped.
 */
export async function detectOversizedContexts(client: PoolClient, schema: string, usage: PricedUsage[], thresholds: SignalThresholds, now: Date): Promise<SignalCandidate[]> {
  const withWorkflow = usage.filter((u) => u.dimensions.workflow);
  if (withWorkflow.length === 0) return [];
  const s = ident(schema);
  // The CTE reads the statistics as they were before the upsert beside it, because every part of one
  // statement sees the same snapshot.
  const { rows } = await client.query<{ tenant_id: string; workflow: string; calls: string; prompt_tokens: string }>(
    `WITH batch AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(tenant_id, workflow, prompt)
     ), before AS (
       SELECT w.tenant_id, w.workflow, w.calls, w.prompt_tokens FROM ${s}.workflow_prompt_stats w
       JOIN (SELECT DISTINCT tenant_id, workflow FROM batch) AS t USING (tenant_id, workflow)
     ), added AS (
       INSERT INTO ${s}.workflow_prompt_stats AS w (tenant_id, workflow, calls, prompt_tokens)
       SELECT tenant_id, workflow, count(*), sum(prompt) FROM batch
       GROUP BY tenant_id, workflow ORDER BY tenant_id, workflow
       ON CONFLICT (tenant_id, workflow) DO UPDATE SET calls = w.calls + excluded.calls, prompt_tokens = w.prompt_tokens + excluded.prompt_tokens
     )
     SELECT * FROM before`,
    [textArrayLiteral(withWorkflow.map((u) => u.tenantId)), textArrayLiteral(withWorkflow.map((u) => u.dimensions.workflow ?? '')), numberArrayLiteral(withWorkflow.map(promptTokensOf))],
  );
  const baselines = new Map(rows.map((r) => [`${r.tenant_id}\u0000${r.workflow}`, { calls: Number(r.calls), promptTokens: Number(r.prompt_tokens) }]));

  const candidates: SignalCandidate[] = [];
  for (const u of withWorkflow) {
    const baseline = baselines.get(`${u.tenantId}\u0000${u.dimensions.workflow}`);
    const prompt = promptTokensOf(u);
    if (!baseline || !isOversized(prompt, baseline, thresholds)) continue;
    candidates.push({
      tenantId: u.tenantId,
      kind: 'oversized_context',
      dedupeKey: u.usageId,
      traceId: u.traceId,
      scope: { ...u.dimensions, model: u.model },
      detail: { usageId: u.usageId, promptTokens: prompt, meanPromptTokens: Math.round(baseline.promptTokens / baseline.calls), baselineCalls: baseline.calls, factor: thresholds.oversizedFactor },
      raisedAt: now,
    });
  }
  return candidates;
}

/**
 * Compares the spend of each workflow-hour this batch touched with the mean
 * hourly spend of the same workflow over the 7 days before that hour, read
 * from `workflow_hourly_spend` (which already includes this batch). One
 * query serves the whole batch: for each touched workflow, a window sum over
 * its hours from 7 days before its earliest touched hour to its latest, read
 * in index order so no sort is needed, keeping only the touched hours.
 */
export async function detectSpikes(client: PoolClient, schema: string, usage: PricedUsage[], thresholds: SignalThresholds, now: Date): Promise<SignalCandidate[]> {
  const touched = new Map<string, { tenantId: string; workflow: string; hour: string }>();
  for (const u of usage) {
    if (!u.cost || !u.dimensions.workflow) continue;
    const hour = new Date(Math.floor(u.occurredAt.getTime() / 3_600_000) * 3_600_000).toISOString();
    touched.set(`${u.tenantId}\u0000${u.dimensions.workflow}\u0000${hour}`, { tenantId: u.tenantId, workflow: u.dimensions.workflow, hour });
  }
  if (touched.size === 0) return [];
  const list = [...touched.values()];
  const s = ident(schema);
  const { rows } = await client.query<{ tenant_id: string; workflow: string; hour: Date; hour_cost: string; baseline_cost: string }>(
    `WITH ranges AS (
       SELECT tenant_id, workflow, array_agg(hour) AS hours, min(hour) - interval '${BASELINE_HOURS} hours' AS since, max(hour) AS until
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS t(tenant_id, workflow, hour) GROUP BY 1, 2
     )
     SELECT r.tenant_id, r.workflow, w.hour, w.cost::text AS hour_cost, w.baseline::text AS baseline_cost
     FROM ranges r CROSS JOIN LATERAL (
       SELECT * FROM (
         SELECT h.hour, h.cost, coalesce(sum(h.cost) OVER (ORDER BY h.hour
           RANGE BETWEEN interval '${BASELINE_HOURS} hours' PRECEDING AND interval '1 hour' PRECEDING), 0) AS baseline
         FROM ${s}.workflow_hourly_spend h
         WHERE h.tenant_id = r.tenant_id AND h.workflow = r.workflow AND h.hour >= r.since AND h.hour <= r.until) windowed
       WHERE windowed.hour = ANY (r.hours)) w`,
    [textArrayLiteral(list.map((t) => t.tenantId)), textArrayLiteral(list.map((t) => t.workflow)), textArrayLiteral(list.map((t) => t.hour))],
  );
  const minAmount = parseScaled(thresholds.spikeMinAmount);
  const candidates: SignalCandidate[] = [];
  for (const row of rows) {
    // An hour below the minimum amount is never a spike. Rejecting it on exact integers skips decimal.js.
    if (compareScaled(parseScaled(row.hour_cost), minAmount) < 0) continue;
    const hourCost = money(row.hour_cost);
    const baselineHourly = money(row.baseline_cost).dividedBy(BASELINE_HOURS);
    if (!isSpike(hourCost, baselineHourly, thresholds)) continue;
    const hour = row.hour.toISOString();
    candidates.push({
      tenantId: row.tenant_id,
      kind: 'spike',
      dedupeKey: `${row.workflow}|${hour}`,
      traceId: null,
      scope: { workflow: row.workflow },
      detail: { hour, hourCost: row.hour_cost, baselineHourlyCost: baselineHourly.toDecimalPlaces(6).toFixed(), factor: thresholds.spikeFactor },
      raisedAt: now,
    });
  }
  return candidates;
}
