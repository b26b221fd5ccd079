import { ContractError } from './errors';
import { createEnvelope } from './envelope';
import { decodeEvent, encodeEvent } from './codec';
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
