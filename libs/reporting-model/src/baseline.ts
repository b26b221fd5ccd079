import { RATE_TOLERANCE } from './changes';

/** One subject's figures in one window: a prompt version or a model route. */
export interface WindowStats {
  calls: number;
  errorRate: number;
  p95LatencyMs: number | null;
  meanTokens: number | null;
}

export interface BaselineThresholds {
  /** Fewer calls than this in either window says nothing about a change. */
  minCalls: number;
  /** Absolute increase of the error rate (0.05 = five percentage points). */
  errorRateIncrease: number;
  /** Ratio of current to baseline p95 latency. */
  latencyRatio: number;
  /** Ratio of current to baseline mean tokens per call. */
  tokenRatio: number;
}

export const DEFAULT_BASELINE_THRESHOLDS: BaselineThresholds = { minCalls: 5, errorRateIncrease: 0.05, latencyRatio: 1.25, tokenRatio: 1.25 };

export interface BaselineMove {
  metric: 'errorRate' | 'p95LatencyMs' | 'meanTokens';
  baseline: number;
  current: number;
}

/**
 * Returns the metrics that moved against their own baseline: error rate up
 * by the threshold, latency or token use up by the ratio. Improvements are
 * not moves. An empty list when either window has too few calls.
 */
export function movesAgainstBaseline(current: WindowStats, baseline: WindowStats, t: BaselineThresholds = DEFAULT_BASELINE_THRESHOLDS): BaselineMove[] {
  if (current.calls < t.minCalls || baseline.calls < t.minCalls) return [];
  const moves: BaselineMove[] = [];
  if (current.errorRate - baseline.errorRate >= t.errorRateIncrease - RATE_TOLERANCE) {
    moves.push({ metric: 'errorRate', baseline: baseline.errorRate, current: current.errorRate });
  }
  if (grewBy(baseline.p95LatencyMs, current.p95LatencyMs, t.latencyRatio)) {
    moves.push({ metric: 'p95LatencyMs', baseline: baseline.p95LatencyMs as number, current: current.p95LatencyMs as number });
  }
  if (grewBy(baseline.meanTokens, current.meanTokens, t.tokenRatio)) {
    moves.push({ metric: 'meanTokens', baseline: baseline.meanTokens as number, current: current.meanTokens as number });
  }
  return moves;
}

function grewBy(baseline: number | null, current: number | null, ratio: number): boolean {
  if (baseline === null || current === null) return false;
  if (baseline === 0) return current > 0;
  return current / baseline >= ratio;
}
