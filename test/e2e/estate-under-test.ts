import { ident, Projection } from '@estate/projection';
import { ROLES, TOPIC_SPECS } from '@estate/contracts';
import { KafkaBus } from '@estate/kafka';
import { DEFAULT_SIGNAL_THRESHOLDS } from '@estate/pricing';
import { MigrationClass, sqlMigration } from '@estate/service-kit';
import { createLogger } from '@estate/telemetry';
import { issueTestKeys, RunningService, startServiceForTest, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import * as approvals from '../../services/approvals/src/app.module';
import * as costLedger from '../../services/cost-ledger/src/app.module';
import { PriceBooks } from '../../services/cost-ledger/src/pricing/price-books';
import { UsagePricingProjection } from '../../services/cost-ledger/src/usage/usage-projection';
import * as inventory from '../../services/inventory/src/app.module';
import * as policy from '../../services/policy/src/app.module';
import * as reporting from '../../services/reporting/src/app.module';
import * as traceIngest from '../../services/trace-ingest/src/app.module';
import { OtlpReceivers } from '../../services/trace-ingest/src/otlp/otlp-receivers';
import { DEFAULT_LIMITS, DEFAULT_TOPICS, TraceIngestSettings } from '../../services/trace-ingest/src/settings';
import type { Endpoints } from '../../tools/sample/http';

export interface EstateUnderTest {
  endpoints: Endpoints;
  tenantId: string;
  /** One API key per role, all of `tenantId`. */
  keys: Record<string, string>;
  stop(): Promise<void>;
}

/** A service call the tenant's key must pass before the service counts as ready: any status but 401. */
const KEY_PROBES: Array<{ service: keyof Endpoints; path: string; role: string }> = [
  { service: 'inventory', path: '/v1/assets', role: 'platform' },
  { service: 'policy', path: '/v1/policy-bundles/active', role: 'security' },
  { service: 'approvals', path: '/v1/approvals', role: 'security' },
  { service: 'traceIngest', path: '/v1/traces?limit=1', role: 'security' },
  { service: 'costLedger', path: '/v1/budgets', role: 'finops' },
  { service: 'reporting', path: '/v1/reports/scorecard', role: 'governance' },
];

/**
 * Starts the six services in this process on free ports, each in a fresh
 * schema with its own consumer groups, all on the shared topics, so spans
 * from trace-ingest reach the cost ledger and reporting as in production.
 * Every projection starts at the shared topics' current end: the fresh
 * tenant's events all come later, and replaying everyone's history (tens of
 * thousands of decisions) would only slow the test. Resolves once every
 * service accepts the fresh tenant's keys.
 */
export async function startEstate(): Promise<EstateUnderTest> {
  const infra = testInfrastructure();
  const bus = new KafkaBus({ clientId: `e2e-${uniqueSuffix()}`, brokers: infra.kafkaBrokers }, createLogger('e2e', 'warn'));
  await bus.ensureTopics(TOPIC_SPECS.map(({ name, partitions, retentionMs }) => ({ name, partitions, retentionMs })));

  const traceSettings: TraceIngestSettings = { otlpHttpPort: 0, otlpGrpcPort: 0, limits: DEFAULT_LIMITS, redaction: [], topics: DEFAULT_TOPICS };
  const sets = {
    inventory: inventory.inventoryProjections(),
    policy: policy.policyProjections(),
    approvals: approvals.approvalsProjections(),
    traceIngest: traceIngest.traceProjections(traceSettings),
    reporting: reporting.reportingProjections(),
  };
  // The ledger builds its projection around its own schema's price cache; this copy only names the projection and its topics.
  const ledgerShape = [new UsagePricingProjection(new PriceBooks('unused'), DEFAULT_SIGNAL_THRESHOLDS)];
  const atEnd = {
    inventory: await startAtTopicEnds(bus, sets.inventory),
    policy: await startAtTopicEnds(bus, sets.policy),
    approvals: await startAtTopicEnds(bus, sets.approvals),
    traceIngest: await startAtTopicEnds(bus, sets.traceIngest),
    costLedger: await startAtTopicEnds(bus, ledgerShape),
    reporting: await startAtTopicEnds(bus, sets.reporting),
  };

  const started: RunningService[] = [];
  const track = async (service: Promise<RunningService>) => {
    const running = await service;
    started.push(running);
    return running;
  };
  try {
    const [inv, pol, appr, trace, ledger, report] = await Promise.all([
      track(startServiceForTest('inventory', { migrations: [...inventory.migrations, atEnd.inventory], projections: sets.inventory }, inventory.appModule)),
      track(startServiceForTest('policy', { migrations: [...policy.migrations, atEnd.policy], projections: sets.policy }, policy.appModule)),
      track(startServiceForTest('approvals', { migrations: [...approvals.migrations, atEnd.approvals], projections: sets.approvals }, approvals.appModule)),
      track(startServiceForTest(
        'trace-ingest',
        { migrations: [...traceIngest.migrations, atEnd.traceIngest], projections: sets.traceIngest, bodyLimit: DEFAULT_LIMITS.maxBodyBytes },
        (options) => traceIngest.appModule(options, traceSettings),
      )),
      track(startServiceForTest('cost-ledger', { migrations: [...costLedger.migrations, atEnd.costLedger] }, (options) => costLedger.appModule(options))),
      track(startServiceForTest('reporting', { migrations: [...reporting.migrations, atEnd.reporting], projections: sets.reporting }, reporting.appModule)),
    ]);
    const otlpPort = trace.app.get(OtlpReceivers).httpPort;
    const endpoints: Endpoints = {
      inventory: inv.baseUrl, policy: pol.baseUrl, approvals: appr.baseUrl, traceIngest: trace.baseUrl,
      otlpHttp: `http://127.0.0.1:${otlpPort}`, costLedger: ledger.baseUrl, reporting: report.baseUrl,
    };

    const tenantId = `t-e2e-${uniqueSuffix()}`;
    const issued = await issueTestKeys(bus, tenantId, [...ROLES]);
    const keys = Object.fromEntries(Object.entries(issued).map(([role, k]) => [role, k.key]));
    for (const probe of KEY_PROBES) {
      await waitFor(
        `${probe.service} to accept the ${probe.role} key of ${tenantId}`,
        async () => (await fetch(`${endpoints[probe.service]}${probe.path}`, { headers: { authorization: `Bearer ${keys[probe.role]}` } })).status,
        (status) => status !== 401,
        { timeoutMs: 60_000 },
      );
    }
    return { endpoints, tenantId, keys, stop: () => stopAll(started, bus) };
  } catch (error) {
    await stopAll(started, bus);
    throw error;
  }
}

async function stopAll(services: RunningService[], bus: KafkaBus): Promise<void> {
  await Promise.allSettled(services.map((s) => s.stop()));
  await bus.close();
}

/**
 * A last migration that stores each projection's next offset on every topic
 * it reads at the topic's current end. The runner reads stored offsets when
 * partitions are assigned, and migrations finish before any projection
 * starts, so no event before this moment is applied. The name's timestamp is
 * now, later than every real migration, so it runs last.
 */
async function startAtTopicEnds(bus: KafkaBus, projections: Array<Pick<Projection, 'name' | 'topics'>>): Promise<MigrationClass> {
  const rows: string[] = [];
  for (const projection of projections) {
    for (const topic of projection.topics) {
      for (const { partition, high } of await bus.topicOffsets(topic)) {
        rows.push(`(${literal(projection.name)}, ${literal(topic)}, ${Number(partition)}, ${BigInt(high).toString()})`);
      }
    }
  }
  return sqlMigration(`StartAtTopicEnds${Date.now()}`, (schema) => [
    `INSERT INTO ${ident(schema)}.projection_offsets (projection, topic, partition, next_offset) VALUES ${rows.join(', ')}
     ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = excluded.next_offset`,
  ]);
}

/** Projection and topic names are code constants, but quote them properly all the same. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
