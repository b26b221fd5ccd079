import type { EventEnvelope } from '@estate/contracts';
import {
  BatchControl,
  ConsumerHandle,
  KafkaBus,
  publishDeadLetters,
  RecordBatch,
  toDeadLetter,
  Assignment,
} from '@estate/kafka';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { claimEventIds, lockNextOffset, readStoredOffsets, releaseEventId, resetStoredOffset, storeNextOffset } from './bookkeeping';
import { DecodedRecord, firstOccurrences, planBatch, PoisonRecord } from './batch-plan';
import { projectionMetrics } from './metrics';
import { Projection } from './projection';

export interface ProjectionRunnerOptions {
  bus: KafkaBus;
  pool: Pool;
  schema: string;
  projection: Projection;
  logger: Logger;
  /** Defaults to `estate.<projection name>`; rebuilds pass a fresh one. */
  groupId?: string;
  /** Records at or past these offsets (key `topic:partition`) are neither applied nor stored. */
  stopAt?: Map<string, bigint>;
  now?: () => Date;
  /** Upper bound on bytes fetched per partition, which bounds the batch size. */
  maxBytesPerPartition?: number;
}

/**
 * Runs one projection as a consumer-group member. Each fetched batch gets one
 * Postgres transaction with these steps:
 * 1. lock the partition's stored offset and skip records below it;
 * 2. claim event ids, so redelivered events are skipped;
 * 3. apply the new events with set-based statements;
 * 4. send poison records to the dead-letter topic and wait for Kafka's ack;
 * 5. store the next offset and commit.
 * A crash before the commit leaves Postgres unchanged, and the batch is
 * fetched again. A crash after step 4 can repeat a dead-letter record but
 * never loses one.
 */
export class ProjectionRunner {
  private consumer?: ConsumerHandle;
  private readonly handles: ReadonlySet<string>;
  private readonly groupId: string;
  private readonly now: () => Date;
  private readonly log: Logger;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.handles = new Set(options.projection.handles);
    this.groupId = options.groupId ?? `estate.${options.projection.name}`;
    this.now = options.now ?? (() => new Date());
    this.log = options.logger.child({ projection: options.projection.name, schema: options.schema });
  }

  async start(): Promise<void> {
    this.log.info({ groupId: this.groupId, topics: this.options.projection.topics }, 'projection starting');
    this.consumer = await this.options.bus.consume({
      groupId: this.groupId,
      topics: [...this.options.projection.topics],
      onAssigned: (assignment, seek) => this.seekToStoredOffsets(assignment, seek),
      eachBatch: (batch, control) => this.handleBatch(batch, control),
      maxBytesPerPartition: this.options.maxBytesPerPartition,
      partitionsConsumedConcurrently: this.options.projection.partitionConcurrency,
      fetch: this.options.projection.fetch,
    });
  }

  /** Finishes the batch in flight (its transaction commits), then leaves the group. */
  async stop(): Promise<void> {
    if (!this.consumer) return;
    await this.consumer.stop();
    this.consumer = undefined;
    this.log.info('projection stopped');
  }

  async handleBatch(batch: RecordBatch, control: BatchControl): Promise<void> {
    const limit = this.options.stopAt?.get(`${batch.topic}:${batch.partition}`);
    const records = limit === undefined ? batch.records : batch.records.filter((r) => BigInt(r.offset) < limit);
    if (records.length === 0) return;

    const timer = projectionMetrics.batchSeconds.startTimer({ projection: this.options.projection.name });
    const client = await this.options.pool.connect();
    try {
      await client.query(this.options.projection.asyncCommit ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN');
      const lastOffset = await this.applyInTransaction(client, batch.topic, batch.partition, records);
      await client.query('COMMIT');
      control.resolveOffset(lastOffset);
      await control.heartbeat();
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) =>
        this.log.error({ err: rollbackError }, 'rollback failed after batch error'),
      );
      this.log.error({ err: error, topic: batch.topic, partition: batch.partition, firstOffset: records[0].offset }, 'batch failed; it will be fetched again');
      throw error;
    } finally {
      client.release();
      timer();
    }
  }

  private async applyInTransaction(client: PoolClient, topic: string, partition: number, records: RecordBatch['records']): Promise<string> {
    const { projection, schema } = this.options;
    const nextOffset = await lockNextOffset(client, schema, projection.name, topic, partition);
    const fresh = records.filter((r) => BigInt(r.offset) >= nextOffset);
    const lastOffset = records[records.length - 1].offset;
    if (fresh.length === 0) return lastOffset;

    const plan = planBatch(fresh, this.handles);
    const unique = firstOccurrences(plan.decoded);
    const claimed = await claimEventIds(client, schema, projection.name, unique.map((d) => d.event.eventId));
    const toApply = unique.filter((d) => claimed.has(d.event.eventId));
    const skipped = plan.decoded.length - toApply.length;
    if (skipped > 0) projectionMetrics.duplicates.inc({ projection: projection.name }, skipped);

    const failed = await this.applyWithIsolation(client, toApply);
    const poison: PoisonRecord[] = [...plan.poison, ...failed];
    if (poison.length > 0) await this.deadLetter(poison);

    await storeNextOffset(client, schema, projection.name, topic, partition, BigInt(lastOffset) + 1n);
    projectionMetrics.applied.inc({ projection: projection.name }, toApply.length - failed.length);
    return lastOffset;
  }

  /**
   * Applies the whole batch at once. If that fails, it applies event by event
   * under savepoints, so one bad event goes to the dead-letter topic and the
   * rest still land.
   */
  private async applyWithIsolation(client: PoolClient, items: DecodedRecord[]): Promise<PoisonRecord[]> {
    if (items.length === 0) return [];
    const { projection, schema } = this.options;
    const context = { client, schema };
    await client.query('SAVEPOINT projection_batch');
    try {
      await projection.apply(items.map((i) => i.event), context);
      await client.query('RELEASE SAVEPOINT projection_batch');
      return [];
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT projection_batch');
      this.log.warn({ err: error, events: items.length }, 'batch apply failed; isolating the failing events');
    }

    const failed: PoisonRecord[] = [];
    for (const item of items) {
      await client.query('SAVEPOINT projection_event');
      try {
        await projection.apply([item.event as EventEnvelope], context);
        await client.query('RELEASE SAVEPOINT projection_event');
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT projection_event');
        await releaseEventId(client, schema, projection.name, item.event.eventId);
        this.log.error({ err: error, eventId: item.event.eventId, type: item.event.type, offset: item.record.offset }, 'event could not be applied');
        failed.push({ record: item.record, code: 'apply_failed', reason: (error as Error).message });
      }
    }
    return failed;
  }

  private async deadLetter(poison: PoisonRecord[]): Promise<void> {
    const { projection } = this.options;
    const now = this.now();
    const letters = poison.map((p) => toDeadLetter(p.record, projection.name, { code: p.code, reason: p.reason, retryable: false }, now));
    await publishDeadLetters(this.options.bus, letters);
    for (const p of poison) {
      projectionMetrics.deadLettered.inc({ projection: projection.name, code: p.code });
      this.log.warn({ topic: p.record.topic, partition: p.record.partition, offset: p.record.offset, code: p.code, reason: p.reason }, 'record sent to dead-letter topic');
    }
  }

  /** Moves each newly assigned partition to the offset stored in Postgres, or to the log start when none is stored. */
  private async seekToStoredOffsets(assignment: Assignment, seek: (topic: string, partition: number, offset: string) => void): Promise<void> {
    const stored = await readStoredOffsets(this.options.pool, this.options.schema, this.options.projection.name);
    const byKey = new Map(stored.map((s) => [`${s.topic}:${s.partition}`, s.nextOffset]));
    for (const [topic, partitions] of Object.entries(assignment)) {
      const offsets = await this.options.bus.topicOffsets(topic);
      for (const partition of partitions) {
        const position = offsets.find((o) => o.partition === partition);
        const low = BigInt(position?.low ?? '0');
        const high = BigInt(position?.high ?? '0');
        let storedOffset = byKey.get(`${topic}:${partition}`) ?? low;
        if (storedOffset > high) {
          // An offset past the end means the topic was recreated or the database belongs to another
          // cluster. Keeping it would skip every event the topic now holds.
          this.log.warn({ topic, partition, storedOffset: storedOffset.toString(), high: high.toString() }, 'stored offset is past the end of the topic; reading the partition from its start');
          await resetStoredOffset(this.options.pool, this.options.schema, this.options.projection.name, topic, partition, low);
          storedOffset = low;
        }
        const target = storedOffset > low ? storedOffset : low;
        seek(topic, partition, target.toString());
      }
    }
  }
}
