/**
 * The line every benchmark script ends with, so the suite can read its
 * figures without parsing prose: `BENCH_RESULT <one-line JSON>`.
 */
export const BENCH_RESULT_PREFIX = 'BENCH_RESULT ';

export function printBenchResult(result: Record<string, unknown>): void {
  process.stdout.write(`${BENCH_RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** Returns the JSON of the last BENCH_RESULT line in `output`, or undefined when there is none or it is not JSON. */
export function parseBenchResult(output: string): Record<string, unknown> | undefined {
  const lines = output.split('\n').filter((line) => line.startsWith(BENCH_RESULT_PREFIX));
  const last = lines[lines.length - 1];
  if (!last) return undefined;
  try {
    return JSON.parse(last.slice(BENCH_RESULT_PREFIX.length)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Reads a positive integer from the environment, so the suite can size each step; `fallback` when unset. */
export function sizeFromEnv(name: string, fallback: number): number {
  return integerFromEnv(name, fallback, 1, Number.MAX_SAFE_INTEGER, 'a positive integer');
}

/** Reads an integer from `min` to `max` from the environment; `fallback` when unset. */
export function integerFromEnv(name: string, fallback: number, min: number, max: number, expected = `an integer from ${min} to ${max}`): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}=${raw} is invalid; expected ${expected}`);
  }
  return value;
}
