import { money, Money } from './money';

export const SIGNAL_KINDS = ['runaway_loop', 'retries', 'oversized_context', 'spike'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** Detection thresholds; every one can be set per deployment through the service's configuration. */
export interface SignalThresholds {
  /** Calls of the same step (agent, step type and tool or model) within one trace that make a runaway loop. */
  loopCalls: number;
  /** Calls of the same step that followed a failed one within one trace. */
  retryCalls: number;
  /** Prompt tokens above this multiple of the workflow's mean prompt make an oversized context. */
  oversizedFactor: number;
  /** Calls a workflow needs before its mean prompt is a baseline. */
  oversizedMinSamples: number;
  /** An hour's spend above this multiple of the mean hourly spend of the previous 7 days is a spike. */
  spikeFactor: number;
  /** Hours below this spend (USD) are never spikes, so a few cents on a quiet workflow raise nothing. */
  spikeMinAmount: string;
}

export const DEFAULT_SIGNAL_THRESHOLDS: SignalThresholds = {
  loopCalls: 20,
  retryCalls: 3,
  oversizedFactor: 4,
  oversizedMinSamples: 20,
  spikeFactor: 3,
  spikeMinAmount: '1',
};

/** True when a step's call count moved from below the threshold to at or above it, so the signal is raised once per trace and step. */
export function reachedNow(before: number, after: number, threshold: number): boolean {
  return before < threshold && after >= threshold;
}

/**
 * Retries counted as calls after the first failure of the same step:
 * min(failures, calls - 1). This is exact for the usual shape, failures
 * followed by the call that succeeded, and never counts a call that had no
 * failure before it in a trace whose failures all came first.
 */
export function retryCount(calls: number, failures: number): number {
  return Math.max(0, Math.min(failures, calls - 1));
}

export function isOversized(promptTokens: number, baseline: { calls: number; promptTokens: number }, thresholds: SignalThresholds): boolean {
  if (baseline.calls < thresholds.oversizedMinSamples || baseline.promptTokens === 0) return false;
  return promptTokens * baseline.calls > thresholds.oversizedFactor * baseline.promptTokens;
}

/**
 * `baselineHourly` is the mean spend per hour over the comparison window. A
 * dimension with no spend in that window has no baseline, so its first
 * spending hour is never a spike.
 */
export function isSpike(hourSpend: Money, baselineHourly: Money, thresholds: SignalThresholds): boolean {
  if (baselineHourly.isZero() || hourSpend.lt(money(thresholds.spikeMinAmount))) return false;
  return hourSpend.gt(baselineHourly.times(thresholds.spikeFactor));
}
