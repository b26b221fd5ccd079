/**
 * Polls `probe` until it returns a value that `done` accepts, or fails after
 * `timeoutMs` with the description and the last value seen. Tests wait on
 * conditions, never on fixed sleeps.
 */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 30000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
