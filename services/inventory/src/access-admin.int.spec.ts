import { gzipSync } from 'node:zlib';
import { KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { issueTestKeys, RunningService, startServiceForTest, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { appModule, migrations } from './app.module';

jest.setTimeout(90_000);

describe('API keys through the inventory service', () => {
  const infra = testInfrastructure();
  const bus = new KafkaBus({ clientId: 'access-test', brokers: infra.kafkaBrokers }, createLogger('access-test', 'warn'));
  let service: RunningService;

  beforeAll(async () => {
    service = await startServiceForTest('inventory', { migrations }, appModule);
  });

  afterAll(async () => {
    await service.stop();
    await bus.close();
  });

  const call = (path: string, key: string | undefined, init: RequestInit = {}) =>
    fetch(`${service.baseUrl}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    });

  it('reports ready when Kafka and Postgres answer', async () => {
    const response = await call('/health/ready', undefined);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', kafka: 'ok' } });
  });

  it('rejects malformed bodies with 400', async () => {
    const tenantId = `t-${uniqueSuffix()}`;
    const keys = await issueTestKeys(bus, tenantId, ['admin']);
    await waitFor('admin key accepted', () => call('/v1/api-keys', keys.admin.key, { method: 'POST', body: '{}' }), (r) => r.status !== 401);
    let deep = '"x"';
    for (let i = 0; i < 5000; i++) deep = `[${deep}]`;
    const tooDeep = await call('/v1/api-keys', keys.admin.key, { method: 'POST', body: `{"role":"security","label":${deep}}` });
    expect(tooDeep.status).toBe(400);
    expect(await tooDeep.json()).toMatchObject({ code: 'invalid_argument', field: expect.stringMatching(/^label\.0\.0/), message: expect.stringContaining('nested more than 64 levels') });

    const missing = await call('/v1/api-keys', keys.admin.key, { method: 'POST', body: JSON.stringify({ label: 'no role' }) });
    expect(await missing.json()).toMatchObject({ code: 'invalid_argument', details: [{ field: 'role', message: 'role is required' }] });

    const array = await call('/v1/api-keys', keys.admin.key, { method: 'POST', body: '[{"role":"security"}]' });
    expect(array.status).toBe(400);
    expect(await array.json()).toMatchObject({ field: 'body', message: 'the request body must be a JSON object, got an array' });

    const noBody = await fetch(`${service.baseUrl}/v1/api-keys/nosuchkey`, { method: 'DELETE', headers: { authorization: `Bearer ${keys.admin.key}` } });
    expect(await noBody.json()).toMatchObject({ code: 'invalid_argument', details: [{ field: 'reason', message: 'reason is required' }] });

    const untyped = await fetch(`${service.baseUrl}/v1/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${keys.admin.key}` }, body: Buffer.from('{}') });
    expect(untyped.status).toBe(415);
    expect(((await untyped.json()) as { message: string }).message).toContain('content-type: application/json');

    const form = await fetch(`${service.baseUrl}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.admin.key}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'role=security&label=form',
    });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { code: string }).code).toBe('unsupported_media_type');

    const gzipped = await fetch(`${service.baseUrl}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.admin.key}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync('{"role":"security"}'),
    });
    expect([gzipped.status, ((await gzipped.json()) as { field: string }).field]).toEqual([415, 'content-encoding']);

    const proto = await call('/v1/api-keys', keys.admin.key, { method: 'POST', body: '{"role":"security","__proto__":{"x":1}}' });
    expect(proto.status).toBe(400);
    expect(((await proto.json()) as { message: string }).message).toContain('keys named __proto__');

    const huge = await call('/v1/api-keys', keys.admin.key, { method: 'POST', body: JSON.stringify({ role: 'security', label: 'x'.repeat(5 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { message: string }).message).toContain(`the limit is ${4 * 1024 * 1024} bytes`);

    const nul = await call('/v1/api-keys', keys.admin.key, { method: 'POST', body: JSON.stringify({ role: 'security', label: 'lead\u0000x' }) });
    expect(nul.status).toBe(400);
    expect(await nul.json()).toMatchObject({ code: 'invalid_argument', field: 'label', message: expect.stringContaining('NUL character') });
  });

  it('issues, enforces and revokes keys per tenant and role', async () => {
    const tenantId = `t-${uniqueSuffix()}`;
    const keys = await issueTestKeys(bus, tenantId, ['admin', 'finops']);
    const body = JSON.stringify({ role: 'security', label: 'security lead' });

    const created = await waitFor(
      'admin key accepted',
      () => call('/v1/api-keys', keys.admin.key, { method: 'POST', body }),
      (r) => r.status !== 401,
    );
    expect(created.status).toBe(201);
    const issued = (await created.json()) as { keyId: string; apiKey: string };
    expect(issued.apiKey).toMatch(/^est_/);

    const forbidden = await call('/v1/api-keys', keys.finops.key, { method: 'POST', body });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { code: string }).code).toBe('forbidden');

    const invalid = await call('/v1/api-keys', keys.admin.key, { method: 'POST', body: JSON.stringify({ role: 'wizard', label: '' }) });
    expect(invalid.status).toBe(400);
    const problem = (await invalid.json()) as { code: string; details: Array<{ field: string }> };
    expect(problem.code).toBe('invalid_argument');
    expect(problem.details.map((d) => d.field).sort()).toEqual(['label', 'role']);

    const unknown = await call('/v1/api-keys/nosuchkey', keys.admin.key, { method: 'DELETE', body: JSON.stringify({ reason: 'typo' }) });
    expect(unknown.status).toBe(404);

    const expired = await call('/v1/api-keys', keys.admin.key, { method: 'POST', body: JSON.stringify({ role: 'security', label: 'late', expiresAt: '2000-01-01T00:00:00Z' }) });
    expect(expired.status).toBe(400);
    expect(await expired.json()).toMatchObject({ field: 'expiresAt', message: expect.stringContaining('is not in the future') });

    const listed = await waitFor('issued key listed', async () => (await (await call('/v1/api-keys', keys.admin.key)).json()) as { keys: Array<{ keyId: string; role: string }> }, (r) => r.keys.some((k) => k.keyId === issued.keyId));
    expect(listed.keys.find((k) => k.keyId === issued.keyId)).toMatchObject({ role: 'security' });
    expect(JSON.stringify(listed)).not.toContain(issued.apiKey);

    const revoke = await call(`/v1/api-keys/${keys.finops.keyId}`, keys.admin.key, { method: 'DELETE', body: JSON.stringify({ reason: 'left the team' }) });
    expect(revoke.status).toBe(202);
    await waitFor('revoked key rejected', async () => (await call('/v1/api-keys', keys.finops.key, { method: 'POST', body })).status, (s) => s === 401, { timeoutMs: 20_000 });
  });
});
