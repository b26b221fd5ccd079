import { randomUUID } from 'node:crypto';
import {
  AssetRegisteredV1,
  AssetSnapshot,
  BudgetRemovedV1,
  BudgetStateChangedV1,
  createEnvelope,
  EventEnvelope,
  RelationshipDeclaredV1,
  RelationshipEndedV1,
  RelationshipSnapshot,
  ToolDefinitionDriftedV1,
  ToolDefinitionPinnedV1,
} from '@estate/contracts';
import { EventPublisher, KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { issueTestKeys, RunningService, startServiceForTest, testInfrastructure, uniqueSuffix, waitFor } from '@estate/testing';
import { appModule, migrations, policyProjections } from '../app.module';

jest.setTimeout(120_000);

const PINNED = 'a'.repeat(64);
const OBSERVED = 'b'.repeat(64);
const NOW = new Date().toISOString();

function asset(assetId: string, kind: AssetSnapshot['kind'], name: string, version: number, extra: Partial<AssetSnapshot> = {}): AssetSnapshot {
  return { assetId, kind, name, version, lifecycle: 'active', labels: {}, externalRefs: {}, attributes: {}, ...extra };
}

function relationship(relationshipId: string, type: RelationshipSnapshot['type'], from: AssetSnapshot, to: AssetSnapshot, version: number): RelationshipSnapshot {
  return {
    relationshipId, type, fromId: from.assetId, fromKind: from.kind, toId: to.assetId, toKind: to.kind, source: 'declared', version, firstSeenAt: NOW, lastSeenAt: NOW,
  };
}

describe('policy entities from inventory and cost events', () => {
  const infra = testInfrastructure();
  const bus = new KafkaBus({ clientId: 'policy-inventory-test', brokers: infra.kafkaBrokers }, createLogger('policy-test', 'warn'));
  const publisher = new EventPublisher(bus);
  const tenantId = `t-${uniqueSuffix()}`;
  let service: RunningService;
  let key: string;

  const agent = asset(randomUUID(), 'agent', 'inv-agent', 1, { environment: 'prod', policyClass: 'internal', ownerTeam: 'payments' });
  const server = asset(randomUUID(), 'mcp-server', 'docs-mcp', 1, { environment: 'prod' });
  const tool = asset(randomUUID(), 'tool', 'inv-search', 1, { environment: 'prod', definitionHash: PINNED });
  const route = asset(randomUUID(), 'model-route', 'gpt-route', 1);
  const calls = relationship(randomUUID(), 'calls', agent, tool, 1);

  const publish = (type: string, payload: object, partitionKey: string) =>
    publisher.publish([createEnvelope({ type, schemaVersion: 1, tenantId, producer: 'test', key: partitionKey, payload }) as EventEnvelope]);

  const decide = async (body: object) => {
    const response = await fetch(`${service.baseUrl}/v1/decisions`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body),
    });
    return (await response.json()) as { outcome: string; determiningPolicies: string[] };
  };
  const searchTool = () => decide({ principal: { type: 'Agent', id: 'inv-agent' }, action: 'invoke_tool', resource: { type: 'Tool', id: 'inv-search' }, context: { environment: 'prod' } });
  const callModel = () => decide({ principal: { type: 'Agent', id: 'inv-agent' }, action: 'call_model', resource: { type: 'ModelRoute', id: 'gpt-route' }, context: { environment: 'prod' } });

  beforeAll(async () => {
    service = await startServiceForTest('policy', { migrations, projections: policyProjections() }, appModule);
    key = (await issueTestKeys(bus, tenantId, ['security'])).security.key;
    await waitFor('security key accepted', () => callModel().catch(() => ({ outcome: 'error' })), (r) => r.outcome !== undefined && r.outcome !== 'error');
    for (const a of [agent, server, tool, route]) await publish(AssetRegisteredV1.type, { asset: a, changedBy: 'test' }, a.assetId);
    await publish(RelationshipDeclaredV1.type, { relationship: calls, changedBy: 'test' }, agent.assetId);
    await publish(RelationshipDeclaredV1.type, { relationship: relationship(randomUUID(), 'exposes', server, tool, 1), changedBy: 'test' }, server.assetId);
  });

  afterAll(async () => {
    await service.stop();
    await bus.close();
  });

  it('derives tool scope from relationships', async () => {
    const allowed = await waitFor('agent may call the tool in its scope', searchTool, (r) => r.outcome === 'allow');
    expect(allowed.outcome).toBe('allow');
  });

  it('fails a drifted tool until re-pinned', async () => {
    await waitFor('tool in scope', searchTool, (r) => r.outcome === 'allow');
    await publish(
      ToolDefinitionDriftedV1.type,
      {
        asset: { ...server, version: 2 }, changedBy: 'test', pinnedToolSetHash: PINNED, observedToolSetHash: OBSERVED, accepted: false,
        diff: { addedTools: [], removedTools: [], changedTools: [{ name: 'inv-search', changedFields: ['description'], pinnedHash: PINNED, observedHash: OBSERVED }] },
      },
      server.assetId,
    );
    const drifted = await waitFor('drifted tool denied', searchTool, (r) => r.outcome === 'deny');
    expect(drifted.determiningPolicies).toContain('check:tool-binding');

    await publish(ToolDefinitionPinnedV1.type, { asset: { ...tool, version: 2, definitionHash: OBSERVED }, changedBy: 'test', serverId: server.assetId, definitionHash: OBSERVED, toolSetHash: OBSERVED }, tool.assetId);
    const repinned = await waitFor('re-pinned tool allowed', searchTool, (r) => r.outcome === 'allow');
    expect(repinned.outcome).toBe('allow');
  });

  it('denies model calls at a hard budget limit', async () => {
    const before = await waitFor('model call allowed under budget', callModel, (r) => r.outcome === 'allow');
    expect(before.outcome).toBe('allow');
    const budgetId = randomUUID();
    await publish(
      BudgetStateChangedV1.type,
      { budgetId, periodKey: NOW, scope: { agent: 'inv-agent' }, spent: '120.00', state: 'hard_limit', previousState: 'soft_limit', limit: '100.00' },
      budgetId,
    );
    const over = await waitFor('model call denied over budget', callModel, (r) => r.outcome === 'deny');
    expect(over.determiningPolicies).toContain('all.forbid-model-calls-over-budget');

    await publish(BudgetRemovedV1.type, { budgetId, name: 'agent budget', removedBy: 'finops-key', reason: 'limit set by mistake' }, budgetId);
    const afterRemoval = await waitFor('model call allowed once the budget is removed', callModel, (r) => r.outcome === 'allow');
    expect(afterRemoval.determiningPolicies).not.toContain('all.forbid-model-calls-over-budget');
  });

  it('removes a tool from scope when the relationship ends', async () => {
    await publish(RelationshipEndedV1.type, { relationship: { ...calls, version: 2, endedAt: new Date().toISOString() }, changedBy: 'test', reason: 'agent no longer searches' }, agent.assetId);
    const denied = await waitFor('tool out of scope', searchTool, (r) => r.outcome === 'deny');
    expect(denied.determiningPolicies).toEqual(['all.forbid-tools-out-of-scope']);
  });
});
