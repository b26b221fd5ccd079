import { createEnvelope, EventEnvelope, Role, UsageRecorded, UsageRecordedV1 } from '@estate/contracts';
import { EventPublisher, KafkaBus } from '@estate/kafka';
import { CommonConfig, ServiceOptions } from '@estate/service-kit';
import { createLogger } from '@estate/telemetry';
import { issueTestKeys, RunningService, startServiceForTest, testInfrastructure, TestKey, uniqueSuffix, waitFor } from '@estate/testing';
import { appModule, migrations } from '../src/app.module';

export interface LedgerTestContext {
  service: RunningService;
  publisher: EventPublisher;
  tenantId: string;
  keys: Record<string, TestKey>;
  call: (method: string, route: string, key: TestKey, body?: unknown) => Promise<{ status: number; body: any }>;
  stop: () => Promise<void>;
}

/** Starts the ledger in-process on a fresh schema with a fresh tenant, and waits until the tenant's keys are accepted. */
export async function startLedger(roles: Role[], extra: { grpc?: ServiceOptions['grpc']; config?: Partial<CommonConfig> } = {}): Promise<LedgerTestContext> {
  const infra = testInfrastructure();
  const bus = new KafkaBus({ clientId: 'cost-ledger-test', brokers: infra.kafkaBrokers }, createLogger('cost-ledger-test', 'warn'));
  const service = await startServiceForTest('cost-ledger', { migrations, ...extra }, (options) => appModule(options));
  const tenantId = `t-${uniqueSuffix()}`;
  const keys = await issueTestKeys(bus, tenantId, roles);
  const call = async (method: string, route: string, key: TestKey, body?: unknown) => {
    const response = await fetch(`${service.baseUrl}${route}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  // A key is known once the ledger stops answering 401; a role that may not list budgets gets 403 then.
  await waitFor('keys accepted', () => call('GET', '/v1/budgets', keys[roles[0]]), (r) => r.status !== 401);
  return {
    service,
    publisher: new EventPublisher(bus),
    tenantId,
    keys,
    call,
    stop: async () => {
      await service.stop();
      await bus.close();
    },
  };
}

export function usageEvent(tenantId: string, payload: UsageRecorded): EventEnvelope {
  return createEnvelope({ type: UsageRecordedV1.type, schemaVersion: 1, tenantId, producer: 'test', key: payload.usageId, payload });
}
