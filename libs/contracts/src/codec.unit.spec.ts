import { ContractError } from './errors';
import { createEnvelope } from './envelope';
import { decodeEvent, encodeEvent, envelopeIsValid, envelopeIssues } from './codec';
import { ApiKeyCreatedV1, TenantCreatedV1 } from './events/access';
import { Topics } from './topics';

const clock = { now: () => new Date('2026-01-02T03:04:05.000Z') };

function tenantCreated(payload: Record<string, unknown> = { tenantId: 'acme', name: 'Acme', createdBy: 'admin' }) {
  return createEnvelope({ type: TenantCreatedV1.type, schemaVersion: 1, tenantId: 'acme', producer: 'test', key: 'acme', payload }, clock);
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ContractError ? error.code : 'not a contract error';
  }
  return undefined;
}

describe('event codec', () => {
  it('round-trips a valid event with the receive time as record timestamp', () => {
    const envelope = tenantCreated();
    const encoded = encodeEvent(envelope);
    expect(encoded.topic).toBe(Topics.accessEvents);
    expect(encoded.timestamp).toBe(Date.parse('2026-01-02T03:04:05.000Z'));
    expect(encoded.headers['estate-event-type']).toBe('access.tenant.created');
    expect(decodeEvent(encoded.value, Topics.accessEvents)).toEqual(JSON.parse(JSON.stringify(envelope)));
  });

  it('gives time-ordered event ids', () => {
    const ids = Array.from({ length: 50 }, () => tenantCreated().eventId);
    expect([...ids].sort()).toEqual(ids);
  });

  it('rejects bytes that are not JSON', () => {
    expect(codeOf(() => decodeEvent(Buffer.from('{oops')))).toBe('malformed_json');
    expect(codeOf(() => decodeEvent(null))).toBe('malformed_json');
  });

  it('rejects an envelope with missing fields', () => {
    const { eventId: _dropped, ...rest } = tenantCreated();
    expect(codeOf(() => decodeEvent(Buffer.from(JSON.stringify(rest))))).toBe('invalid_envelope');
  });

  it('checks envelopes with the same verdicts as the EnvelopeShape decorators', () => {
    const bad: Record<string, unknown[]> = {
      eventId: [undefined, null, '', 'not-a-uuid', 42, '123e4567-e89b-12d3-a456-42661417400'],
      type: [undefined, null, '', 7],
      schemaVersion: [undefined, null, 0, -1, 1.5, '1'],
      tenantId: [undefined, '', {}],
      occurredAt: [undefined, '', 'yesterday', '2026-13-01T00:00:00Z', 1760000000000],
      recordedAt: [undefined, '2026-02-30T25:00:00Z', null],
      producer: [undefined, ''],
      correlationId: [7, {}],
      causationId: [false],
      key: [undefined, '', 3],
      payload: [undefined, null, [], 'text', 1],
    };
    const good: Record<string, unknown[]> = {
      occurredAt: ['2026-12-04', '2026-12-04T10:00:00.123456789+02:00', '20261204T100000Z'],
      correlationId: [undefined, null, ''],
      eventId: ['123E4567-E89B-12D3-A456-426614174000'],
    };
    const cases = [tenantCreated(), ...Object.entries({ ...bad }).flatMap(([field, values]) => values.map((v) => ({ ...tenantCreated(), [field]: v })))];
    cases.push(...Object.entries(good).flatMap(([field, values]) => values.map((v) => ({ ...tenantCreated(), [field]: v }))));
    cases.push(null as never, [] as never, 'envelope' as never);
    for (const envelope of cases) {
      expect({ envelope, valid: envelopeIsValid(envelope) }).toEqual({ envelope, valid: envelopeIssues(envelope).length === 0 });
    }
    expect(cases.filter((c) => envelopeIsValid(c)).length).toBeGreaterThan(3);
  });

  it('rejects unknown types and versions', () => {
    const unknownType = { ...tenantCreated(), type: 'access.tenant.renamed' };
    const unknownVersion = { ...tenantCreated(), schemaVersion: 7 };
    expect(codeOf(() => decodeEvent(Buffer.from(JSON.stringify(unknownType))))).toBe('unknown_event_type');
    expect(codeOf(() => decodeEvent(Buffer.from(JSON.stringify(unknownVersion))))).toBe('unsupported_schema_version');
  });

  it('rejects an event read from the wrong topic', () => {
    expect(codeOf(() => decodeEvent(encodeEvent(tenantCreated()).value, Topics.spans))).toBe('wrong_topic');
  });

  it('names the invalid payload field', () => {
    const envelope = createEnvelope(
      { type: ApiKeyCreatedV1.type, schemaVersion: 1, tenantId: 'acme', producer: 'test', key: 'acme', payload: { keyId: 'x', tenantId: 'acme', role: 'wizard' } },
      clock,
    );
    let caught: ContractError | undefined;
    try {
      encodeEvent(envelope);
    } catch (error) {
      caught = error as ContractError;
    }
    expect(caught?.code).toBe('invalid_payload');
    const fields = caught?.issues.map((i) => i.field) ?? [];
    expect(fields).toEqual(expect.arrayContaining(['payload.keyId', 'payload.role', 'payload.keyHash', 'payload.label']));
  });
});
