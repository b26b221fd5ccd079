import { ContractError, decodeEvent, EventEnvelope } from '@estate/contracts';
import type { InboundRecord } from '@estate/kafka';

export interface PoisonRecord {
  record: InboundRecord;
  code: string;
  reason: string;
}

export interface DecodedRecord {
  record: InboundRecord;
  event: EventEnvelope;
}

/** What one fetched batch turns into before any database work. */
export interface BatchPlan {
  decoded: DecodedRecord[];
  poison: PoisonRecord[];
}

/**
 * Decodes every record of a batch. A record that fails its contract becomes
 * poison with the reason; records of types the projection does not handle are
 * dropped from the plan but still count as consumed.
 */
export function planBatch(records: InboundRecord[], handles: ReadonlySet<string>): BatchPlan {
  const decoded: DecodedRecord[] = [];
  const poison: PoisonRecord[] = [];
  for (const record of records) {
    try {
      const event = decodeEvent(record.value, record.topic);
      if (handles.has(event.type)) decoded.push({ record, event });
    } catch (error) {
      if (error instanceof ContractError) {
        poison.push({ record, code: error.code, reason: error.message });
      } else {
        poison.push({ record, code: 'decode_failed', reason: (error as Error).message });
      }
    }
  }
  return { decoded, poison };
}

/** Keeps the first record of each event id, in order. */
export function firstOccurrences(decoded: DecodedRecord[]): DecodedRecord[] {
  const seen = new Set<string>();
  return decoded.filter((d) => {
    if (seen.has(d.event.eventId)) return false;
    seen.add(d.event.eventId);
    return true;
  });
}
