import { IsInt, IsString, Matches } from 'class-validator';
import { createEnvelope, defineEvent, EventEnvelope } from '@estate/contracts';
import { ident, Projection, ProjectionContext, projectionBookkeepingDdl } from '@estate/projection';

/**
 * A small event and read model for testing the projection runtime itself:
 * counters whose totals show at once whether any event was lost or applied
 * twice. It lives only in the test helpers.
 */
export const COUNTER_TOPIC_PREFIX = 'estate.testing.counter';

export class CounterIncremented {
  @IsString() @Matches(/^c-\d+$/) counterId!: string;
  @IsInt() amount!: number;
}

export const CounterIncrementedV1 = defineEvent({
  type: 'testing.counter.incremented',
  version: 1,
  topic: COUNTER_TOPIC_PREFIX,
  acceptsTopic: (topic) => topic.startsWith(`${COUNTER_TOPIC_PREFIX}.`),
  payload: CounterIncremented,
  partitionKey: (p) => p.counterId,
  description: 'Test fixture: adds an amount to a counter.',
});

/** The largest amount the read model accepts; a larger one fails in Postgres, as a real bug would. */
export const MAX_AMOUNT = 1_000_000;

export function counterDdl(schema: string): string[] {
  const s = ident(schema);
  return [
    ...projectionBookkeepingDdl(schema),
    `CREATE TABLE ${s}.counter_events (
       event_id uuid PRIMARY KEY,
       tenant_id text NOT NULL,
       counter_id text NOT NULL,
       amount integer NOT NULL CHECK (amount <= ${MAX_AMOUNT}))`,
    `CREATE TABLE ${s}.counters (
       tenant_id text NOT NULL,
       counter_id text NOT NULL,
       total bigint NOT NULL,
       events integer NOT NULL,
       PRIMARY KEY (tenant_id, counter_id))`,
  ];
}

export function counterEvent(tenantId: string, counterId: string, amount: number): EventEnvelope<CounterIncremented> {
  return createEnvelope({
    type: CounterIncrementedV1.type,
    schemaVersion: 1,
    tenantId,
    producer: 'test',
    key: counterId,
    payload: { counterId, amount },
  });
}

/** Applies a batch with two set-based statements: all event rows, then one upsert per batch. */
export class CounterProjection implements Projection {
  readonly name = 'counters';
  readonly handles = [CounterIncrementedV1.type];
  readonly tables = [{ name: 'counter_events' }, { name: 'counters' }];

  constructor(readonly topics: string[]) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const s = ident(schema);
    const rows = events.map((e) => ({ ...(e.payload as CounterIncremented), eventId: e.eventId, tenantId: e.tenantId }));
    await client.query(
      `INSERT INTO ${s}.counter_events (event_id, tenant_id, counter_id, amount)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[])`,
      [rows.map((r) => r.eventId), rows.map((r) => r.tenantId), rows.map((r) => r.counterId), rows.map((r) => r.amount)],
    );
    await client.query(
      `INSERT INTO ${s}.counters (tenant_id, counter_id, total, events)
       SELECT tenant_id, counter_id, sum(amount), count(*) FROM unnest($1::text[], $2::text[], $3::int[]) AS e(tenant_id, counter_id, amount)
       GROUP BY tenant_id, counter_id
       ON CONFLICT (tenant_id, counter_id) DO UPDATE SET total = counters.total + excluded.total, events = counters.events + excluded.events`,
      [rows.map((r) => r.tenantId), rows.map((r) => r.counterId), rows.map((r) => r.amount)],
    );
  }
}
