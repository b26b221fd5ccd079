import { ident } from '@estate/projection';
import { isOversized, isSpike, money, SignalThresholds } from '@estate/pricing';
import type { PoolClient } from 'pg';
import { PricedUsage } from '../usage/price-usage';
import { SignalCandidate } from './signal-rows';

const BASELINE_HOURS = 7 * 24;

const promptTokensOf = (u: PricedUsage): number =>
  u.quantities.input + u.quantities.cachedInput + u.quantities.cacheCreation + u.quantities.cacheCreation1h;

/**
 * Compares each new call's prompt with its workflow's mean prompt before this
 * batch, then adds the batch to the workflow's statistics. Calls without a
 * workflow have no baseline and are skipped.
 */
export async function detectOversizedContexts(client: PoolClient, schema: string, usage: PricedUsage[], thresholds: SignalThresholds, now: Date): Promise<SignalCandidate[]> {
  const withWorkflow = usage.filter((u) => u.dimensions.workflow);
  if (withWorkflow.length === 0) return [];
  const s = ident(schema);
  const { rows } = await client.query<{ tenant_id: string; workflow: string; calls: string; prompt_tokens: string }>(
    `SELECT w.tenant_id, w.workflow, w.calls, w.prompt_tokens FROM ${s}.workflow_prompt_stats w
     JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[])) AS t(tenant_id, workflow) USING (tenant_id, workflow)`,
    [withWorkflow.map((u) => u.tenantId), withWorkflow.map((u) => u.dimensions.workflow)],
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

  await client.query(
    `INSERT INTO ${s}.workflow_prompt_stats AS w (tenant_id, workflow, calls, prompt_tokens)
     SELECT tenant_id, workflow, count(*), sum(prompt) FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(tenant_id, workflow, prompt)
     GROUP BY tenant_id, workflow ORDER BY tenant_id, workflow
     ON CONFLICT (tenant_id, workflow) DO UPDATE SET calls = w.calls + excluded.calls, prompt_tokens = w.prompt_tokens + excluded.prompt_tokens`,
    [withWorkflow.map((u) => u.tenantId), withWorkflow.map((u) => u.dimensions.workflow), withWorkflow.map(promptTokensOf)],
  );
  return candidates;
}

/**
 * Compares the spend of each workflow-hour this batch touched with the mean
 * hourly spend of the same workflow over the 7 days before that hour, read
 * from `workflow_hourly_spend` (which already includes this batch). One
 * query serves the whole batch: a window sum over each touched workflow's
 * hours from 7 days before its earliest touched hour to its latest.
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
    `WITH touched AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS t(tenant_id, workflow, hour)
     ), ranges AS (
       SELECT tenant_id, workflow, min(hour) - interval '${BASELINE_HOURS} hours' AS since, max(hour) AS until FROM touched GROUP BY 1, 2
     ), windowed AS (
       SELECT w.tenant_id, w.workflow, w.hour, w.cost,
         coalesce(sum(w.cost) OVER (PARTITION BY w.tenant_id, w.workflow ORDER BY w.hour
           RANGE BETWEEN interval '${BASELINE_HOURS} hours' PRECEDING AND interval '1 hour' PRECEDING), 0) AS baseline
       FROM ${s}.workflow_hourly_spend w
       JOIN ranges r ON w.tenant_id = r.tenant_id AND w.workflow = r.workflow AND w.hour >= r.since AND w.hour <= r.until
     )
     SELECT t.tenant_id, t.workflow, t.hour, w.cost::text AS hour_cost, w.baseline::text AS baseline_cost
     FROM touched t JOIN windowed w USING (tenant_id, workflow, hour)`,
    [list.map((t) => t.tenantId), list.map((t) => t.workflow), list.map((t) => t.hour)],
  );
  const candidates: SignalCandidate[] = [];
  for (const row of rows) {
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
