import { decodeEvent, encodeEvent, EventEnvelope, Role, Topics } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { CommonConfig, ServiceOptions } from '@estate/service-kit';
import { createLogger } from '@estate/telemetry';
import { freshTopic, issueTestKeys, RunningService, startServiceForTest, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { appModule, inventoryProjections, migrations } from '../src/app.module';

export interface InventoryTestContext {
  service: RunningService;
  bus: KafkaBus;
  tenantId: string;
  keys: Record<string, { key: string; keyId: string }>;
  call: (path: string, init?: { method?: string; body?: unknown; role?: Role }) => Promise<{ status: number; body: any }>;
  /** Sends `trace.asset.observed` envelopes to this service's own copy of the observations topic. */
  publishObservations: (envelopes: EventEnvelope[]) => Promise<void>;
  stop: () => Promise<void>;
}

/** Extra service options for one test, such as the gRPC API on a free port or a short scheduler interval. */
export interface InventoryTestOptions {
  grpc?: ServiceOptions['grpc'];
  config?: Partial<CommonConfig> & Record<string, unknown>;
}

/**
 * Starts the inventory in a fresh schema with a fresh tenant and its own
 * copy of the observations topic, so an inventory running on the same
 * brokers never consumes the test's sightings, and waits until the keys
 * are accepted.
 */
export async function startInventory(roles: Role[] = ['platform', 'security', 'finops'], extra: InventoryTestOptions = {}): Promise<InventoryTestContext> {
  const infra = testInfrastructure();
  const bus = new KafkaBus({ clientId: `inventory-test-${uniqueSuffix()}`, brokers: infra.kafkaBrokers }, createLogger('inventory-test', 'warn'));
  const observationTopic = await freshTopic(bus, Topics.runtimeObservations);
  const service = await startServiceForTest(
    'inventory',
    { migrations, projections: inventoryProjections(observationTopic), grpc: extra.grpc, config: extra.config },
    appModule,
  );
  const tenantId = `t-${uniqueSuffix()}`;
  const keys = await issueTestKeys(bus, tenantId, roles);
  const call: InventoryTestContext['call'] = async (path, init = {}) => {
    const response = await fetch(`${service.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[init.role ?? roles[0]].key}` },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const publishObservations = (envelopes: EventEnvelope[]) => bus.send(envelopes.map((e) => ({ ...encodeEvent(e), topic: observationTopic })));
  await waitFor('test keys accepted', () => call('/v1/assets'), (r) => r.status !== 401);
  return {
    service, bus, tenantId, keys, call, publishObservations,
    stop: async () => {
      await service.stop();
      await bus.close();
    },
  };
}

/** Waits until the read model shows the asset at least at `version`. */
export function waitForAsset(ctx: InventoryTestContext, assetId: string, version = 1) {
  return waitFor(`asset ${assetId} at version ${version}`, () => ctx.call(`/v1/assets/${assetId}`), (r) => r.status === 200 && r.body.version >= version);
}

/** Consumes the inventory topic with a fresh group and appends this test tenant's events to `received`. */
export async function collectInventoryEvents(ctx: InventoryTestContext, received: EventEnvelope[]): Promise<void> {
  await ctx.bus.consume({
    groupId: `test.inventory-events.${uniqueSuffix()}`,
    topics: [Topics.inventoryEvents],
    eachBatch: async (batch, control) => {
      for (const record of batch.records) {
        if (record.headers['estate-tenant'] === ctx.tenantId) received.push(decodeEvent(record.value, Topics.inventoryEvents));
        control.resolveOffset(record.offset);
      }
    },
  });
}
