/** Summary of repeated measurements: the median is the headline, min and max show the spread. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number[];
  /** (max - min) / median, so spreads of different units compare. */
  relativeSpread: number;
}

export function summarize(runs: number[]): Summary {
  if (runs.length === 0) throw new Error('summarize needs at least one run');
  const sorted = [...runs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  return { median, min, max, runs, relativeSpread: median === 0 ? 0 : (max - min) / median };
}

/** The value at quantile `q` (0..1) of `values`, nearest-rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** Rounds for display: three significant digits, no exponent. */
export function round(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(digits));
}
