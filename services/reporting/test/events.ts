import { randomBytes, randomUUID } from 'node:crypto';
import { AssetKind, createEnvelope, EventEnvelope, RelationshipType } from '@estate/contracts';

/** Builders for the events other services publish, shaped as their contracts require, for one test tenant. */
export class TenantEvents {
  constructor(readonly tenantId: string) {}

  envelope(type: string, key: string, payload: object, occurredAt = new Date(), correlationId?: string): EventEnvelope {
    return createEnvelope({ type, schemaVersion: 1, tenantId: this.tenantId, producer: 'reporting-test', key, payload, occurredAt, correlationId });
  }

  asset(kind: AssetKind, name: string, extra: { ownerTeam?: string; dataClassification?: string; policyClass?: string } = {}) {
    const assetId = `${kind}-${randomBytes(4).toString('hex')}`;
    const asset = { assetId, kind, name, version: 1, lifecycle: 'active', labels: {}, externalRefs: {}, attributes: {}, ...extra };
    return { assetId, event: this.envelope('inventory.asset.registered', assetId, { asset, changedBy: 'test' }) };
  }

  relationship(type: RelationshipType, from: { assetId: string; kind: AssetKind }, to: { assetId: string; kind: AssetKind }) {
    const now = new Date().toISOString();
    const relationship = {
      relationshipId: randomUUID(), type, fromId: from.assetId, fromKind: from.kind, toId: to.assetId, toKind: to.kind,
      source: 'declared', version: 1, firstSeenAt: now, lastSeenAt: now,
    };
    return this.envelope('inventory.relationship.declared', from.assetId, { relationship, changedBy: 'test' });
  }

  observed(kind: string, name: string, traceId: string) {
    const at = new Date().toISOString();
    return this.envelope('trace.asset.observed', `${kind}:${name}`, { kind, name, firstSeenAt: at, lastSeenAt: at, exampleTraceId: traceId });
  }

  decision(
    decisionId: string,
    outcome: 'allow' | 'deny' | 'require_approval',
    extra: { traceId?: string; workflow?: string; agent?: string; tool?: string; exceptionWindowIds?: string[] },
  ) {
    const payload = {
      decisionId, traceId: extra.traceId, principal: { type: 'Agent', id: extra.agent ?? 'triage-bot' }, action: 'call_tool',
      resource: { type: 'Tool', id: extra.tool ?? 'policy-lookup' }, context: extra.workflow ? { workflow: extra.workflow } : {}, outcome,
      bundleVersion: 'v1', determiningPolicies: ['p1'], reasons: [], obligations: [], exceptionWindowIds: extra.exceptionWindowIds ?? [],
      decidedAt: new Date().toISOString(),
    };
    return this.envelope('policy.decision.recorded', extra.traceId ?? decisionId, payload);
  }

  approvalRequested(approvalId: string, traceId: string, decisionId: string) {
    const ref = (type: string, id: string) => ({ type, id });
    const scope = { principal: ref('Agent', 'triage-bot'), action: 'call_tool', resource: ref('Tool', 'policy-lookup'), toolDefinitionHash: '', argumentsHash: '', bundleVersion: 'v1' };
    return this.envelope('approval.requested', approvalId, {
      approvalId, version: 1, traceId, decisionId, scope, path: { roles: ['governance'], required: 1 }, contextSnapshot: {}, reasons: ['needs a human'],
      requestedBy: 'triage-bot', expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
  }

  approvalGranted(approvalId: string, traceId: string) {
    const ref = (type: string, id: string) => ({ type, id });
    const scope = { principal: ref('Agent', 'triage-bot'), action: 'call_tool', resource: ref('Tool', 'policy-lookup'), toolDefinitionHash: '', argumentsHash: '', bundleVersion: 'v1' };
    return this.envelope('approval.granted', approvalId, {
      approvalId, version: 2, traceId, scope, approvers: ['governance:k1'], grantExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
  }

  exceptionWindow(windowId: string, owner: string, endsAt: Date, agent = 'triage-bot') {
    return this.envelope('approval.exception-window.opened', windowId, {
      windowId, version: 1, policyIds: ['p1'], scope: { principal: { type: 'Agent', id: agent } }, owner, reason: 'migration',
      startsAt: new Date(Date.now() - 3600_000).toISOString(), endsAt: endsAt.toISOString(), openedBy: 'governance',
    });
  }

  usage(usageId: string, model: string, input: number, output: number, workflow?: string) {
    return this.envelope('cost.usage.recorded', usageId, {
      usageId, workflow, occurredAt: new Date(Date.now() - 600_000).toISOString(), model, usage: { input, output },
    });
  }

  budget(budgetId: string, state: 'ok' | 'soft_limit' | 'hard_limit', scope: Record<string, string> = { workflow: 'claims-triage' }) {
    return [
      this.envelope('cost.budget.defined', budgetId, { budgetId, name: 'claims monthly', scope, period: 'month', softLimit: '10', hardLimit: '20', thresholds: [50, 80, 100], definedBy: 'finops' }),
      this.envelope('cost.budget.state-changed', budgetId, { budgetId, periodKey: '2026-12-01T00:00:00.000Z', scope, spent: '12.5', state, previousState: 'ok', limit: '10' }),
    ];
  }

  spendSignal(workflow: string) {
    const signalId = randomUUID();
    return this.envelope('cost.spend-signal.raised', signalId, { signalId, kind: 'retries', scope: { workflow }, detail: { calls: 7 } });
  }
}

export const newTraceId = () => randomBytes(16).toString('hex');
export const newSpanId = () => randomBytes(8).toString('hex');

export interface SpanSpec {
  workflow?: string;
  policyClass?: string;
  durationMs: number;
  model?: string;
  usage?: { input: number; output: number };
  failedTool?: { tool: string; errorType: string };
  promptVersion?: string;
  modelRoute?: string;
}

/** Builds one trace: a root request span, a model call when `usage` is given, and a failed tool call when `failedTool` is given. */
export function traceSpans(traceId: string, spec: SpanSpec, startMs: number) {
  const ns = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();
  const rootId = newSpanId();
  const context = { workflow: spec.workflow, policyClass: spec.policyClass, agent: 'triage-bot' };
  const base = { traceId, attributes: {}, resource: {} };
  const spans: object[] = [
    { ...base, spanId: rootId, name: 'request', step: 'request', startTimeUnixNano: ns(startMs), endTimeUnixNano: ns(startMs + spec.durationMs), status: 'ok', context },
  ];
  if (spec.usage) {
    spans.push({
      ...base, spanId: newSpanId(), parentSpanId: rootId, name: 'chat', step: 'llm_call', startTimeUnixNano: ns(startMs + 1), endTimeUnixNano: ns(startMs + 2),
      status: 'ok', usage: spec.usage,
      context: { agent: 'triage-bot', modelServed: spec.model, provider: 'openai', promptVersion: spec.promptVersion, modelRoute: spec.modelRoute },
    });
  }
  if (spec.failedTool) {
    spans.push({
      ...base, spanId: newSpanId(), parentSpanId: rootId, name: 'tool', step: 'tool_call', startTimeUnixNano: ns(startMs + 3), endTimeUnixNano: ns(startMs + 4),
      status: 'error', attributes: { 'error.type': spec.failedTool.errorType }, context: { agent: 'triage-bot', tool: spec.failedTool.tool },
    });
  }
  return spans;
}
