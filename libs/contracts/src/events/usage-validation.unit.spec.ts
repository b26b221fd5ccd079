import 'reflect-metadata';
import { createEnvelope } from '../envelope';
import { decodeEvent } from '../codec';
import { ContractError } from '../errors';
import { UsageRecordedV1 } from './cost';

function usageRecord(payload: Record<string, unknown>): Buffer {
  const envelope = createEnvelope({
    type: UsageRecordedV1.type,
    schemaVersion: 1,
    tenantId: 'tenant-a',
    producer: 'test',
    key: 'u-1',
    payload: { usageId: 'u-1', occurredAt: '2026-02-28T10:00:00Z', model: 'gpt-4o', usage: { input: 10 }, ...payload },
  });
  return Buffer.from(JSON.stringify(envelope));
}

function problemOf(bytes: Buffer): ContractError {
  try {
    decodeEvent(bytes);
  } catch (error) {
    return error as ContractError;
  }
  throw new Error('expected a ContractError, but the record decoded');
}

describe('usage record checks', () => {
  it('accepts a plain record', () => {
    expect(decodeEvent(usageRecord({})).type).toBe(UsageRecordedV1.type);
  });

  it('rejects counts past exact integers', () => {
    const problem = problemOf(usageRecord({ usage: { input: 1e300 } }));
    expect([problem.code, problem.message]).toEqual(['invalid_payload', expect.stringContaining('payload.usage.input')]);
  });

  it('rejects a nonexistent day', () => {
    const problem = problemOf(usageRecord({ occurredAt: '2026-02-30T00:00:00Z' }));
    expect([problem.code, problem.message]).toEqual(['invalid_payload', expect.stringContaining('payload.occurredAt')]);
  });
});
