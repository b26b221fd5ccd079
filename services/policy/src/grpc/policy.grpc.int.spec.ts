import { status as GrpcStatus } from '@grpc/grpc-js';
import { KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { issueTestKeys, RunningService, startServiceForTest, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { appModule, migrations, POLICY_PROTO, policyProjections } from '../app.module';
import { freePort, grpcRejection, GrpcTestClient, grpcTestClient } from '../testing/grpc-client';

jest.setTimeout(120_000);

interface DecideResponse {
  decision_id: string;
  outcome: string;
  bundle_version: string;
  determining_policies: string[];
  approval_id: string;
}

const decideRequest = (environment: string) => ({
  principal: { type: 'Agent', id: 'analyst' },
  action: 'write_dataset',
  resource: { type: 'Dataset', id: 'orders' },
  context: { environment, policy_class: 'internal' },
});

describe('policy gRPC edge', () => {
  const infra = testInfrastructure();
  const bus = new KafkaBus({ clientId: 'policy-grpc-test', brokers: infra.kafkaBrokers }, createLogger('policy-test', 'warn'));
  const tenantId = `t-${uniqueSuffix()}`;
  let service: RunningService;
  let client: GrpcTestClient;
  let keys: Awaited<ReturnType<typeof issueTestKeys>>;

  beforeAll(async () => {
    const port = await freePort();
    service = await startServiceForTest(
      'policy',
      { migrations, projections: policyProjections(), grpc: { packages: ['estate.policy.v1'], protoPaths: [POLICY_PROTO] }, config: { GRPC_PORT: port } },
      appModule,
    );
    client = grpcTestClient(POLICY_PROTO, 'estate.policy.v1.PolicyDecisionService', port);
    keys = await issueTestKeys(bus, tenantId, ['ai-engineering', 'ingest']);
    await waitFor(
      'key accepted over gRPC',
      () => client.call<DecideResponse>('Decide', decideRequest('dev'), keys['ai-engineering'].key).catch((e: { code: number }) => e),
      (answer) => 'outcome' in answer,
    );
  });

  afterAll(async () => {
    client.close();
    await service.stop();
    await bus.close();
  });

  it('decides for an authenticated caller', async () => {
    const allowed = await client.call<DecideResponse>('Decide', decideRequest('dev'), keys['ai-engineering'].key);
    expect(allowed.outcome).toBe('allow');
    expect(allowed.bundle_version).toBe('default-1');
    expect(allowed.decision_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(allowed.approval_id).toBe('');

    const gated = await client.call<DecideResponse>('Decide', decideRequest('prod'), keys['ai-engineering'].key);
    expect(gated.outcome).toBe('require_approval');
    expect(gated.determining_policies).toEqual(['internal.approve-prod-writes']);
    expect(gated.approval_id).toBe(`apr-${gated.decision_id}`);
  });

  it('rejects missing and unknown keys', async () => {
    const missing = await grpcRejection(client.call('Decide', decideRequest('dev')));
    expect(missing.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(missing.details).toContain('missing Authorization header');

    const unknown = await grpcRejection(client.call('Decide', decideRequest('dev'), 'not-a-key'));
    expect(unknown.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(unknown.details).toContain('unknown, revoked or expired');
  });

  it('rejects the ingest role', async () => {
    const denied = await grpcRejection(client.call('Decide', decideRequest('dev'), keys.ingest.key));
    expect(denied.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(denied.details).toContain('role ingest may not call this endpoint');
  });

  it('maps an invalid request to INVALID_ARGUMENT', async () => {
    const badAction = await grpcRejection(client.call('Decide', { ...decideRequest('dev'), action: 'teleport' }, keys['ai-engineering'].key));
    expect(badAction.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(badAction.details).toContain('action');

    const badJson = await grpcRejection(
      client.call('Decide', { ...decideRequest('dev'), context: { environment: 'dev', arguments_json: '{oops' } }, keys['ai-engineering'].key),
    );
    expect(badJson.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(badJson.details).toContain('context.arguments_json is not valid JSON');
  });
});
