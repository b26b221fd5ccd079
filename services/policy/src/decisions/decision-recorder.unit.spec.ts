import { createEnvelope, EventEnvelope } from '@estate/contracts';
import { EventPublisher } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { DecisionRecorder } from './decision-recorder';
import { recordBackpressure } from './metrics';

/** A publisher that holds each publish until the test releases it, and can fail the next one. */
class HeldPublisher {
  readonly published: EventEnvelope[][] = [];
  private releases: Array<() => void> = [];
  failNext = false;

  async publish(envelopes: EventEnvelope[]): Promise<void> {
    await new Promise<void>((resolve) => this.releases.push(resolve));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('broker unavailable');
    }
    this.published.push([...envelopes]);
  }

  async releaseAll(): Promise<void> {
    while (this.releases.length > 0) {
      for (const release of this.releases.splice(0)) release();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

const envelope = (n: number) =>
  createEnvelope({ type: 'policy.decision.recorded', schemaVersion: 1, tenantId: 't-1', producer: 'policy', key: `d-${n}`, payload: { n } });
const logger = createLogger('recorder-test', 'silent');
const turn = () => new Promise((resolve) => setImmediate(resolve));
const backpressure = async (mode: string) => (await recordBackpressure.get()).values.find((v) => v.labels.mode === mode)?.value ?? 0;

describe('DecisionRecorder', () => {
  it('batches the records of one turn', async () => {
    const publisher = new HeldPublisher();
    const recorder = new DecisionRecorder(publisher as unknown as EventPublisher, 10, logger);
    for (let n = 0; n < 3; n++) recorder.record(() => envelope(n));
    await turn();
    await publisher.releaseAll();
    await recorder.drain();
    expect(publisher.published.map((batch) => batch.map((e) => e.key))).toEqual([['d-0', 'd-1', 'd-2']]);
  });

  it('slows callers while the queue is full', async () => {
    const publisher = new HeldPublisher();
    const recorder = new DecisionRecorder(publisher as unknown as EventPublisher, 2, logger);
    const slowedBefore = await backpressure('slowed');
    recorder.record(() => envelope(0));
    recorder.record(() => envelope(1));
    let reserved = false;
    const waiting = recorder.reserve(false).then((ok) => (reserved = ok));
    await turn();
    expect(reserved).toBe(false);
    expect(await backpressure('slowed')).toBe(slowedBefore + 1);
    await publisher.releaseAll();
    await waiting;
    expect(reserved).toBe(true);
    await recorder.drain();
  });

  it('denies fail-closed callers while the queue is full', async () => {
    const publisher = new HeldPublisher();
    const recorder = new DecisionRecorder(publisher as unknown as EventPublisher, 1, logger);
    const deniedBefore = await backpressure('denied');
    recorder.record(() => envelope(0));
    expect(await recorder.reserve(true)).toBe(false);
    expect(await backpressure('denied')).toBe(deniedBefore + 1);
    await turn();
    await publisher.releaseAll();
    await recorder.drain();
    expect(await recorder.reserve(true)).toBe(true);
  });

  it('retries a failed batch without dropping it', async () => {
    const publisher = new HeldPublisher();
    const recorder = new DecisionRecorder(publisher as unknown as EventPublisher, 10, logger);
    publisher.failNext = true;
    recorder.record(() => envelope(0));
    recorder.record(() => envelope(1));
    await turn();
    await publisher.releaseAll();
    // The retry waits RETRY_DELAY_MS before publishing again.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await publisher.releaseAll();
    await recorder.drain();
    expect(publisher.published.map((batch) => batch.map((e) => e.key))).toEqual([['d-0', 'd-1']]);
  });
});
