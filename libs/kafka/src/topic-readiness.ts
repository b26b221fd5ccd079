import type { Logger } from 'pino';
import { isRetryableKafkaError } from './errors';
import { RetryPolicy, withRetry } from './retry';

/**
 * Backoff while a new topic becomes usable: 8 to 17 s in all before giving
 * up. A KRaft broker applies a new topic shortly after its controller
 * commits it, so for a moment it may report the topic as unknown, without a
 * leader, or (for offsets) NOT_LEADER_OR_FOLLOWER.
 */
export const TOPIC_READY_WAIT: RetryPolicy = { retries: 20, initialDelayMs: 50, maxDelayMs: 1000 };

/** Error for new topics that still have a partition without a leader. */
class TopicsNotReadyError extends Error {
  constructor(readonly topics: string[]) {
    super(`topics without a leader yet: ${topics.join(', ')}`);
    this.name = 'TopicsNotReadyError';
  }
}

/**
 * Waits until `leaderless` returns no topic, retrying it and the client's
 * retryable errors (an unknown topic among them) with TOPIC_READY_WAIT.
 */
export async function waitForLeaders(names: string[], leaderless: () => Promise<string[]>, logger: Logger): Promise<void> {
  await withRetry(
    async () => {
      const waiting = await leaderless();
      if (waiting.length > 0) throw new TopicsNotReadyError(waiting);
    },
    (error) => error instanceof TopicsNotReadyError || isRetryableKafkaError(error),
    TOPIC_READY_WAIT,
    (error, attempt, delayMs) => logger.debug({ err: error, attempt, delayMs, topics: names }, 'new topics have no leader yet; retrying'),
  );
}
