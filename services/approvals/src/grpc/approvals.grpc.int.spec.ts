import { status as GrpcStatus } from '@grpc/grpc-js';
import { Topics } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { issueTestKeys, RunningService, startServiceForTest, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { freePort, grpcRejection, GrpcTestClient, grpcTestClient } from '../../../policy/src/testing/grpc-client';
import { collectTenantEvents } from '../../../policy/src/testing/topic-collector';
import { appModule, APPROVALS_PROTO, approvalsProjections, migrations } from '../app.module';

jest.setTimeout(120_000);

interface ApprovalMessage {
  approval_id: string;
  state: string;
  version: number;
  scope: { action: string; bundle_version: string; principal: { id: string } };
  path: { roles: string[]; required: number };
  context_snapshot_json: string;
  requested_by: string;
  decided_by: string;
  approvers: string[];
  votes_needed: number;
}

const createRequest = (required = 1) => ({
  scope: {
    principal: { type: 'Agent', id: 'support-bot' },
    action: 'tool:refund',
    resource: { type: 'Tool', id: 'refund' },
    tool_definition_hash: 'e'.repeat(64),
    arguments_hash: 'f'.repeat(64),
    bundle_version: 'v3',
  },
  path: { roles: ['security'], required },
  context_snapshot_json: JSON.stringify({ environment: 'prod' }),
  reasons: ['Refunds above 500 need security approval.'],
  expires_in_seconds: 600,
  trace_id: '0af7651916cd43dd8448eb211c80319c',
});

describe('approvals gRPC API', () => {
  const infra = testInfrastructure();
  const bus = new KafkaBus({ clientId: 'approvals-grpc-test', brokers: infra.kafkaBrokers }, createLogger('approval-test', 'warn'));
  const tenantId = `t-${uniqueSuffix()}`;
  let service: RunningService;
  let client: GrpcTestClient;
  let keys: Awaited<ReturnType<typeof issueTestKeys>>;
  let approvalEvents: Awaited<ReturnType<typeof collectTenantEvents>>;

  beforeAll(async () => {
    const port = await freePort();
    service = await startServiceForTest(
      'approvals',
      {
        migrations,
        projections: approvalsProjections(),
        grpc: { packages: ['estate.approvals.v1'], protoPaths: [APPROVALS_PROTO] },
        config: { GRPC_PORT: port, APPROVALS_RELAY_INTERVAL_MS: 200 } as never,
      },
      appModule,
    );
    client = grpcTestClient(APPROVALS_PROTO, 'estate.approvals.v1.ApprovalService', port);
    keys = await issueTestKeys(bus, tenantId, ['ai-engineering', 'security', 'governance', 'admin']);
    approvalEvents = await collectTenantEvents(bus, Topics.approvalEvents, tenantId);
    await waitFor(
      'key accepted over gRPC',
      () => client.call('GetApproval', { approval_id: 'apr-none' }, keys.security.key).catch((e: { code: number }) => e.code),
      (answer) => answer === GrpcStatus.NOT_FOUND,
    );
  });

  afterAll(async () => {
    await approvalEvents.stop();
    client.close();
    await service.stop();
    await bus.close();
  });

  it('creates, waits, approves and reads', async () => {
    const created = await client.call<ApprovalMessage>('CreateApproval', createRequest(), keys['ai-engineering'].key);
    expect(created).toMatchObject({ state: 'pending', version: 1, path: { roles: ['security'], required: 1 }, decided_by: '' });
    expect(created.approval_id).toMatch(/^apr-/);
    expect(created.scope).toMatchObject({ action: 'tool:refund', bundle_version: 'v3', principal: { id: 'support-bot' } });
    expect(JSON.parse(created.context_snapshot_json)).toEqual({ environment: 'prod' });
    expect(created.requested_by).toBe(`ai-engineering:${keys['ai-engineering'].keyId}`);

    const stillPending = await client.call<ApprovalMessage>('WaitApproval', { approval_id: created.approval_id, timeout_seconds: 0 }, keys['ai-engineering'].key);
    expect(stillPending.state).toBe('pending');

    const waiting = client.call<ApprovalMessage>('WaitApproval', { approval_id: created.approval_id, timeout_seconds: 30 }, keys['ai-engineering'].key);
    const granted = await client.call<ApprovalMessage>('Approve', { approval_id: created.approval_id, approver: 'Ana (security lead)' }, keys.security.key);
    expect(granted).toMatchObject({ state: 'granted', version: 2, approvers: ['Ana (security lead)'], decided_by: 'Ana (security lead)' });
    const waited = await waiting;
    expect(waited.state).toBe('granted');

    const read = await client.call<ApprovalMessage>('GetApproval', { approval_id: created.approval_id }, keys['ai-engineering'].key);
    expect(read.state).toBe('granted');

    const events = await waitFor(
      'approval events published',
      async () => approvalEvents.events.filter((e) => (e.payload as { approvalId: string }).approvalId === created.approval_id).map((e) => e.type),
      (types) => types.length >= 2,
    );
    expect(events).toEqual(['approval.requested', 'approval.granted']);
  });

  it('counts one vote per key', async () => {
    const created = await client.call<ApprovalMessage>('CreateApproval', createRequest(2), keys['ai-engineering'].key);
    const first = await client.call<ApprovalMessage>('Approve', { approval_id: created.approval_id, approver: 'Ana' }, keys.security.key);
    expect(first).toMatchObject({ state: 'pending', votes_needed: 1, approvers: ['Ana'] });
    const sameKey = await grpcRejection(client.call('Approve', { approval_id: created.approval_id, approver: 'Ben' }, keys.security.key));
    expect(sameKey.code).toBe(GrpcStatus.FAILED_PRECONDITION);
    expect(sameKey.details).toContain('this API key already voted');
    const denyAfterVote = await grpcRejection(client.call('Deny', { approval_id: created.approval_id, approver: 'Cal', reason: 'changed my mind' }, keys.security.key));
    expect(denyAfterVote.code).toBe(GrpcStatus.FAILED_PRECONDITION);
    const second = await client.call<ApprovalMessage>('Approve', { approval_id: created.approval_id, approver: 'Ben' }, keys.admin.key);
    expect(second.state).toBe('granted');
    expect([...second.approvers].sort()).toEqual(['Ana', 'Ben']);
  });

  it('denies with a reason', async () => {
    const created = await client.call<ApprovalMessage>('CreateApproval', createRequest(), keys['ai-engineering'].key);
    const noReason = await grpcRejection(client.call('Deny', { approval_id: created.approval_id }, keys.security.key));
    expect(noReason.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    const longReason = await grpcRejection(client.call('Deny', { approval_id: created.approval_id, reason: 'x'.repeat(5000) }, keys.security.key));
    expect([longReason.code, longReason.details]).toEqual([GrpcStatus.INVALID_ARGUMENT, expect.stringContaining('reason must be shorter than or equal to 2000 characters')]);
    const longApprover = await grpcRejection(client.call('Approve', { approval_id: created.approval_id, approver: 'x'.repeat(5000) }, keys.security.key));
    expect([longApprover.code, longApprover.details]).toEqual([GrpcStatus.INVALID_ARGUMENT, expect.stringContaining('approver must be shorter than or equal to 200 characters')]);
    const denied = await client.call<ApprovalMessage>('Deny', { approval_id: created.approval_id, reason: 'amount is wrong' }, keys.security.key);
    expect(denied.state).toBe('denied');
  });

  it('maps failures to gRPC status codes', async () => {
    const created = await client.call<ApprovalMessage>('CreateApproval', createRequest(), keys['ai-engineering'].key);

    const unauthenticated = await grpcRejection(client.call('GetApproval', { approval_id: created.approval_id }));
    expect(unauthenticated.code).toBe(GrpcStatus.UNAUTHENTICATED);

    const wrongRole = await grpcRejection(client.call('Approve', { approval_id: created.approval_id }, keys.governance.key));
    expect(wrongRole.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(wrongRole.details).toContain('not on the approval path');

    await client.call('Approve', { approval_id: created.approval_id }, keys.security.key);
    const decidedTwice = await grpcRejection(client.call('Deny', { approval_id: created.approval_id, reason: 'too late' }, keys.security.key));
    expect(decidedTwice.code).toBe(GrpcStatus.FAILED_PRECONDITION);
    expect(decidedTwice.details).toContain('was already granted');

    const missing = await grpcRejection(client.call('GetApproval', { approval_id: 'apr-missing' }, keys.security.key));
    expect(missing.code).toBe(GrpcStatus.NOT_FOUND);

    const invalid = await grpcRejection(client.call('CreateApproval', { ...createRequest(), expires_in_seconds: 5 }, keys['ai-engineering'].key));
    expect(invalid.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(invalid.details).toContain('expiresInSeconds');

    const badJson = await grpcRejection(client.call('CreateApproval', { ...createRequest(), context_snapshot_json: '[1]' }, keys['ai-engineering'].key));
    expect(badJson.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(badJson.details).toContain('context_snapshot_json must be a JSON object');

    const badTimeout = await grpcRejection(client.call('WaitApproval', { approval_id: created.approval_id, timeout_seconds: 99 }, keys.security.key));
    expect(badTimeout.code).toBe(GrpcStatus.INVALID_ARGUMENT);
  });
});
