import type { KafkaBus, OutboundRecord } from '@estate/kafka';

interface Pending {
  records: OutboundRecord[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Upper bound on one coalesced send, well under Kafka's default maximum request of 100 MiB. */
const MAX_SEND_BYTES = 16 * 1024 * 1024;

/**
 * Coalesces the appends of concurrent requests into one Kafka send. While a
 * send is in flight, new appends wait in the queue; the next send takes all
 * of them (up to MAX_SEND_BYTES), and each caller's promise settles with the
 * send that carried its records. The idempotent producer sends one request
 * at a time per broker, so without coalescing each HTTP request waits for a
 * full acks=all round trip of every request before it. A failed send rejects
 * every caller in it, and each of them answers its client with a retryable
 * error; no caller is told its records were stored unless Kafka acknowledged
 * them.
 */
export class AppendQueue {
  private readonly queue: Pending[] = [];
  private sending = false;

  constructor(private readonly bus: KafkaBus) {}

  append(records: OutboundRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const bytes = records.reduce((sum, r) => sum + r.value.length, 0);
    return new Promise((resolve, reject) => {
      this.queue.push({ records, bytes, resolve, reject });
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
          await this.bus.send(batch.flatMap((p) => p.records));
          for (const pending of batch) pending.resolve();
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [this.queue.shift()!];
    let bytes = batch[0].bytes;
    while (this.queue.length > 0 && bytes + this.queue[0].bytes <= MAX_SEND_BYTES) {
      const next = this.queue.shift()!;
      bytes += next.bytes;
      batch.push(next);
    }
    return batch;
  }
}
