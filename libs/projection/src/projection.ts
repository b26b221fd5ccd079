import type { EventEnvelope } from '@estate/contracts';
import type { PoolClient } from 'pg';

/** A read-model table the rebuild check compares row by row. */
export interface ReadModelTable {
  name: string;
  /** Columns left out of the comparison, such as a surrogate sequence. */
  ignoreColumns?: string[];
}

/**
 * A read model fed by events. `apply` receives a batch of new, deduplicated
 * events in topic-partition order and must write them with set-based
 * statements on the given client, inside the runner's transaction. It must
 * be deterministic: the same events give the same rows, so a rebuild equals
 * the live model.
 */
export interface Projection {
  readonly name: string;
  readonly topics: readonly string[];
  /** Event types this projection applies; any other type on its topics is skipped. */
  readonly handles: readonly string[];
  readonly tables: readonly ReadModelTable[];
  /**
   * Partitions applied at the same time, each in its own transaction
   * (default 1). Set above 1 only when events of different partitions never
   * write the same rows, for example rows keyed by the partition key.
   */
  readonly partitionConcurrency?: number;
  /**
   * Commits without waiting for the WAL flush (`synchronous_commit = off`).
   * Safe only for a projection whose whole effect stays in Postgres: a
   * Postgres crash can then lose the last transactions, and with them their
   * stored offsets, so the runner fetches those events again from Kafka.
   * Not for projections that write an outbox another process publishes.
   */
  readonly asyncCommit?: boolean;
  /** How long a fetch may wait for data, to trade a bounded delay for larger batches (see ConsumerOptions.fetch). */
  readonly fetch?: { minBytes: number; maxWaitMs: number };
  apply(events: EventEnvelope[], context: ProjectionContext): Promise<void>;
}

export interface ProjectionContext {
  client: PoolClient;
  /** Postgres schema holding the read model; rebuilds pass a fresh one. */
  schema: string;
}

/** Quotes a Postgres identifier; schema names come from config and rebuild commands. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
