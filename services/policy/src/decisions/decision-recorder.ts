import { EventEnvelope } from '@estate/contracts';
import { EventPublisher } from '@estate/kafka';
import type { Logger } from 'pino';
import { decisionRecords, recordBackpressure, watchRecordQueue } from './metrics';

const MAX_BATCH = 500;
const RETRY_DELAY_MS = 200;

/**
 * Publishes decision records in batches, off the request path. The queue is
 * bounded: when it is full, `reserve` makes the caller wait for room (the
 * decision slows down) unless the action fails closed, in which case it
 * returns false and the caller answers deny. A failed send is retried with
 * the batch kept at the head of the queue, so records are never dropped
 * and keep their order. NOTE: records still queued when the process dies are
 * lost; the response has already been sent by then.
 */
export class DecisionRecorder {
  /** Records waiting to be sent; each is built when its batch is, off the request path. */
  private readonly queue: Array<() => EventEnvelope> = [];
  private readonly waiters: Array<() => void> = [];
  private flushing?: Promise<void>;
  private stopped = false;
  private readonly unwatchQueue: () => void;

  constructor(
    private readonly publisher: Pick<EventPublisher, 'publish'>,
    private readonly maxQueued: number,
    private readonly logger: Logger,
  ) {
    this.unwatchQueue = watchRecordQueue(() => this.queue.length);
  }

  /** Waits for room in the queue, or returns false at once when `failClosed` and the queue is full. */
  async reserve(failClosed: boolean): Promise<boolean> {
    if (this.queue.length < this.maxQueued) return true;
    if (failClosed) {
      recordBackpressure.inc({ mode: 'denied' });
      return false;
    }
    recordBackpressure.inc({ mode: 'slowed' });
    while (this.queue.length >= this.maxQueued) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return true;
  }

  /**
   * Queues a record; it may exceed the bound by the records of decisions
   * already in flight, never more. The record is built and sent on the next
   * turn of the event loop, so masking and encoding never run inside the
   * caller's request and the decisions of one turn share a batch. `build`
   * must only read values the caller no longer changes.
   */
  record(build: () => EventEnvelope): void {
    this.queue.push(build);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => (this.flushing = undefined));
  }

  /** Publishes everything queued; called on shutdown before Kafka closes. */
  async drain(): Promise<void> {
    while (this.queue.length > 0) await (this.flushing ??= this.flush().finally(() => (this.flushing = undefined)));
    this.stopped = true;
    this.unwatchQueue();
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, MAX_BATCH).map(built);
      try {
        await this.publisher.publish(batch);
        this.queue.splice(0, batch.length);
        decisionRecords.inc({ result: 'published' }, batch.length);
        this.releaseWaiters();
      } catch (error) {
        decisionRecords.inc({ result: 'retried' }, batch.length);
        this.logger.error({ err: error, records: batch.length, firstDecision: batch[0].eventId }, 'decision records failed to publish; retrying');
        if (this.stopped) return;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }

  private releaseWaiters(): void {
    const room = this.maxQueued - this.queue.length;
    for (const resolve of this.waiters.splice(0, Math.max(room, 0))) resolve();
  }
}

/** Builds a queued record once, so a retried batch sends the same envelopes. */
function built(entry: (() => EventEnvelope) & { envelope?: EventEnvelope }): EventEnvelope {
  entry.envelope ??= entry();
  return entry.envelope;
}
