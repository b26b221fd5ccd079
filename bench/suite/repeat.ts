import { summarize, Summary } from './stats';

/** Runs `measure` once as a warm-up, then `rounds` times, and summarises the measured rounds. */
export async function repeat(label: string, rounds: number, measure: (round: number) => Promise<number>): Promise<Summary> {
  const runs: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const value = await measure(round);
    console.log(`${label} ${round === 0 ? 'warm-up' : `round ${round}`}: ${value.toFixed(1)}`);
    if (round > 0) runs.push(value);
  }
  return summarize(runs);
}
