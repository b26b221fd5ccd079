import type { MessageBus, OutboundRecord } from '@estate/kafka';

interface Caller {
  remaining: number;
  failed: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Item {
  caller: Caller;
  record: OutboundRecord;
  bytes: number;
}

/**
 * Upper bound on the record bytes of one send. The broker rejects a
 * partition's record batch above `message.max.bytes` (1 MiB by default), and
 * a send's batch for one partition is never larger than the whole send.
 */
const MAX_SEND_BYTES = 900 * 1024;

/**
 * Coalesces the appends of concurrent requests into shared Kafka sends. The
 * idempotent producer sends one request at a time per broker, so without
 * coalescing every OTLP request would wait for the acks=all round trip of
 * each request before it. Records are sent in arrival order in sends of at
 * most MAX_SEND_BYTES. A caller's promise resolves once Kafka has
 * acknowledged all of its records, and rejects at the first send of its
 * records that fails (its records still queued are dropped); the caller
 * then answers its client with a retryable error. Records of a failed call
 * that were already acknowledged are sent again by the client's retry, and
 * the trace record ignores the repeated spans.
 */
export class AppendQueue {
  private readonly queue: Item[] = [];
  private sending = false;

  constructor(private readonly bus: MessageBus) {}

  append(records: OutboundRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const caller: Caller = { remaining: records.length, failed: false, resolve, reject };
      for (const record of records) this.queue.push({ caller, record, bytes: record.value.length + (record.key?.length ?? 0) });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        try {
          await this.bus.send(batch.map((item) => item.record));
          this.settle(batch);
        } catch (error) {
          this.fail(batch, error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private takeBatch(): Item[] {
    const batch: Item[] = [this.queue.shift()!];
    let bytes = batch[0].bytes;
    while (this.queue.length > 0 && bytes + this.queue[0].bytes <= MAX_SEND_BYTES) {
      const next = this.queue.shift()!;
      bytes += next.bytes;
      batch.push(next);
    }
    return batch;
  }

  private settle(batch: Item[]): void {
    for (const { caller } of batch) {
      caller.remaining -= 1;
      if (caller.remaining === 0 && !caller.failed) caller.resolve();
    }
  }

  private fail(batch: Item[], error: unknown): void {
    const callers = new Set(batch.map((item) => item.caller));
    for (const caller of callers) {
      if (caller.failed) continue;
      caller.failed = true;
      caller.reject(error);
    }
    for (let i = this.queue.length - 1; i >= 0; i -= 1) if (callers.has(this.queue[i].caller)) this.queue.splice(i, 1);
  }
}
