import { EventEnvelope, Topics } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { issueTestKeys, RunningService, startServiceForTest, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { appModule, migrations, policyProjections } from '../app.module';
import { collectTenantEvents } from '../testing/topic-collector';

jest.setTimeout(120_000);

const PERMIT_TOOLS = `@id("lab.permit-tools")
@reason("Lab agents may call any tool.")
permit (principal, action in Action::"invoke_tool", resource);
`;

const FORBID_TOOLS = `${PERMIT_TOOLS}
@id("lab.forbid-tools")
@reason("Tool calls are frozen.")
forbid (principal, action in Action::"invoke_tool", resource);
`;

// The second policy reads an attribute the schema does not declare for ModelRoute.
const UNKNOWN_ATTRIBUTE = `@id("ok.permit")
permit (principal, action, resource);

@id("bad.unknown-attribute")
forbid (principal, action == Action::"call_model", resource)
when { resource.colour == "red" };
`;

const REFUND_TOOL = {
  name: 'refund',
  description: 'Refunds part or all of an order.',
  inputSchema: {
    type: 'object',
    properties: { orderId: { type: 'string' }, amount: { type: 'integer' }, note: { type: 'number' } },
    required: ['orderId', 'amount'],
  },
};

const REFUND_LIMIT = `${PERMIT_TOOLS}
@id("payments.forbid-large-refunds")
@reason("Refunds above 500 are not made by agents.")
forbid (principal, action == Action::"tool:refund", resource)
when { context.arguments.amount > 500 };
`;

interface Decision {
  decisionId: string;
  outcome: string;
  bundleVersion: string;
  determiningPolicies: string[];
}

describe('policy bundle lifecycle', () => {
  const infra = testInfrastructure();
  const bus = new KafkaBus({ clientId: 'bundle-lifecycle-test', brokers: infra.kafkaBrokers }, createLogger('policy-test', 'warn'));
  const lifecycleTenant = `t-${uniqueSuffix()}`;
  const toolsTenant = `t-${uniqueSuffix()}`;
  let service: RunningService;
  let keys: Record<string, string>;
  let bundleEvents: Awaited<ReturnType<typeof collectTenantEvents>>;
  let decisionEvents: Awaited<ReturnType<typeof collectTenantEvents>>;

  const call = (tenantId: string, path: string, body?: unknown, method = 'POST') =>
    fetch(`${service.baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${keys[tenantId]}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const ok = async <T>(response: Promise<Response>, status = 200): Promise<T> => {
    const answered = await response;
    const body = (await answered.json()) as T;
    if (answered.status !== status) throw new Error(`expected ${status}, got ${answered.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const decide = (tenantId: string, toolId: string, args?: Record<string, unknown>) =>
    ok<Decision>(call(tenantId, '/v1/decisions', {
      principal: { type: 'Agent', id: 'lab-agent' },
      action: 'invoke_tool',
      resource: { type: 'Tool', id: toolId },
      context: { environment: 'staging', toolScope: [toolId], ...(args ? { arguments: args } : {}) },
    }));
  const eventOf = (type: string, version: string) =>
    waitFor(
      `${type} for ${version} on the policy events topic`,
      async () => bundleEvents.events.find((e: EventEnvelope) => e.type === type && JSON.stringify(e.payload).includes(`"${version}"`)),
      (event) => event !== undefined,
    );

  beforeAll(async () => {
    service = await startServiceForTest('policy', { migrations, projections: policyProjections() }, appModule);
    const [lifecycleKeys, toolKeys] = await Promise.all([
      issueTestKeys(bus, lifecycleTenant, ['security']),
      issueTestKeys(bus, toolsTenant, ['security']),
    ]);
    keys = { [lifecycleTenant]: lifecycleKeys.security.key, [toolsTenant]: toolKeys.security.key };
    [bundleEvents, decisionEvents] = await Promise.all([
      collectTenantEvents(bus, Topics.policyEvents, lifecycleTenant),
      collectTenantEvents(bus, Topics.policyDecisions, lifecycleTenant),
    ]);
    for (const tenantId of [lifecycleTenant, toolsTenant]) {
      await waitFor('security key accepted', () => call(tenantId, '/v1/policy-bundles/active', undefined, 'GET'), (r) => r.status === 200);
    }
  });

  afterAll(async () => {
    await Promise.all([bundleEvents.stop(), decisionEvents.stop()]);
    await service.stop();
    await bus.close();
  });

  it('publishes, activates and rolls back', async () => {
    const before = await decide(lifecycleTenant, 'search_docs');
    expect(before.bundleVersion).toBe('default-1');
    const shipped = await ok<{ version: string; policies: string; policyIds: string[] }>(call(lifecycleTenant, '/v1/policy-bundles/versions/default-1', undefined, 'GET'));
    expect(shipped.version).toBe('default-1');
    expect(shipped.policyIds).toEqual(expect.arrayContaining(before.determiningPolicies.filter((id: string) => !id.startsWith('check:'))));
    expect(shipped.policies).toContain('permit');

    const v1 = await ok<{ version: string; policyIds: string[] }>(call(lifecycleTenant, '/v1/policy-bundles/versions', { policies: PERMIT_TOOLS }), 201);
    expect(v1.version).toBe('v1');
    expect(v1.policyIds).toEqual(['lab.permit-tools']);
    const v2 = await ok<{ version: string }>(call(lifecycleTenant, '/v1/policy-bundles/versions', { policies: FORBID_TOOLS, description: 'freeze tools' }), 201);
    expect(v2.version).toBe('v2');
    const published = await eventOf('policy.bundle.published', 'v2');
    expect(published!.payload).toMatchObject({ bundleId: lifecycleTenant, policyIds: ['lab.permit-tools', 'lab.forbid-tools'], description: 'freeze tools' });
    const stillDefault = await decide(lifecycleTenant, 'search_docs');
    expect(stillDefault.bundleVersion).toBe('default-1');

    await ok(call(lifecycleTenant, '/v1/policy-bundles/versions/v1/activate'));
    const onV1 = await decide(lifecycleTenant, 'search_docs');
    expect(onV1).toMatchObject({ outcome: 'allow', bundleVersion: 'v1', determiningPolicies: ['lab.permit-tools'] });

    const activated = await ok<{ previousVersion?: string }>(call(lifecycleTenant, '/v1/policy-bundles/versions/2/activate'));
    expect(activated.previousVersion).toBe('v1');
    const onV2 = await decide(lifecycleTenant, 'search_docs');
    expect(onV2).toMatchObject({ outcome: 'deny', bundleVersion: 'v2', determiningPolicies: ['lab.forbid-tools'] });
    const activatedEvent = await eventOf('policy.bundle.activated', 'v2');
    expect(activatedEvent!.payload).toMatchObject({ bundleId: lifecycleTenant, version: 'v2', previousVersion: 'v1' });

    const again = await call(lifecycleTenant, '/v1/policy-bundles/versions/v2/activate');
    expect(again.status).toBe(409);

    const rolledBack = await ok<{ fromVersion: string; toVersion: string }>(call(lifecycleTenant, '/v1/policy-bundles/rollback', { reason: 'freeze lifted' }));
    expect(rolledBack).toMatchObject({ fromVersion: 'v2', toVersion: 'v1' });
    const afterRollback = await decide(lifecycleTenant, 'search_docs');
    expect(afterRollback).toMatchObject({ outcome: 'allow', bundleVersion: 'v1' });
    const rollbackEvent = await eventOf('policy.bundle.rolled-back', 'v1');
    expect(rollbackEvent!.payload).toMatchObject({ fromVersion: 'v2', toVersion: 'v1', reason: 'freeze lifted' });

    const recorded = await waitFor(
      'decisions recorded',
      async () => [onV1, onV2, afterRollback].map((d) => decisionEvents.events.find((e) => (e.payload as { decisionId: string }).decisionId === d.decisionId)),
      (events) => events.every((e) => e !== undefined),
    );
    expect(recorded.map((e) => (e!.payload as { bundleVersion: string }).bundleVersion)).toEqual(['v1', 'v2', 'v1']);

    const order = bundleEvents.events.map((e) => e.type);
    expect(order).toEqual(['policy.bundle.published', 'policy.bundle.published', 'policy.bundle.activated', 'policy.bundle.activated', 'policy.bundle.rolled-back']);
  });

  it('rejects an invalid bundle with the position', async () => {
    const response = await call(lifecycleTenant, '/v1/policy-bundles/versions', { policies: UNKNOWN_ATTRIBUTE });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string; details: Array<{ field: string; message: string; line: number; column: number }> };
    expect(body.code).toBe('invalid_argument');
    expect(body.message).toContain('attribute `colour` on entity type `ModelRoute` not found');
    expect(body.details).toHaveLength(1);
    expect(body.details[0]).toMatchObject({ field: 'policies[bad.unknown-attribute]', line: 6, column: 8 });
    expect(body.details[0].message).toContain('at line 6, column 8');

    const syntax = await call(lifecycleTenant, '/v1/policy-bundles/versions', { policies: '@id("x")\npermit (principal, action, resource)\nwhen { context.environment == };' });
    expect(syntax.status).toBe(400);
    const syntaxBody = (await syntax.json()) as { details: Array<{ line: number; column: number }> };
    expect(syntaxBody.details[0]).toMatchObject({ line: 3, column: 31 });

    const versions = await ok<{ versions: unknown[] }>(call(lifecycleTenant, '/v1/policy-bundles/versions', undefined, 'GET'));
    expect(versions.versions).toHaveLength(2);
  });

  it('decides on imported tool arguments', async () => {
    const imported = await ok<{ imported: Array<{ action: string; untypedArguments: string[] }> }>(
      call(toolsTenant, '/v1/tools/import', { mcpServer: 'payments-mcp', tools: [REFUND_TOOL] }),
      201,
    );
    expect(imported.imported).toEqual([expect.objectContaining({ action: 'tool:refund', untypedArguments: ['arguments.note'] })]);

    const published = await ok<{ version: string }>(call(toolsTenant, '/v1/policy-bundles/versions', { policies: REFUND_LIMIT }), 201);
    await ok(call(toolsTenant, `/v1/policy-bundles/versions/${published.version}/activate`));
    const active = await ok<{ tools: string[] }>(call(toolsTenant, '/v1/policy-bundles/active', undefined, 'GET'));
    expect(active.tools).toEqual(['refund']);

    const small = await decide(toolsTenant, 'refund', { orderId: 'o-1', amount: 500, note: 1.5 });
    const large = await decide(toolsTenant, 'refund', { orderId: 'o-1', amount: 501, note: 1.5 });
    expect(small).toMatchObject({ outcome: 'allow', bundleVersion: 'v1', determiningPolicies: ['lab.permit-tools'] });
    expect(large).toMatchObject({ outcome: 'deny', bundleVersion: 'v1', determiningPolicies: ['payments.forbid-large-refunds'] });

    const mistyped = await call(toolsTenant, '/v1/policy-bundles/validate', { policies: REFUND_LIMIT.replace('amount > 500', 'amount > "500"') });
    expect(mistyped.status).toBe(400);
  });
});
