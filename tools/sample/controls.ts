import { pollUntil, ServiceClient } from './http';
import { SAMPLE_TOOLS, SAMPLE_WORKFLOWS, SampleWorkflow, workflowOfFile } from './estate-spec';
import { SampleTraceFile } from './traces';

interface SpanNode {
  spanId: string;
  name: string;
  step: string;
  context: { tool?: string; modelServed?: string; modelRequested?: string };
  usage: Record<string, number> | null;
  children: SpanNode[];
}

interface Decision {
  decisionId: string;
  outcome: 'allow' | 'deny' | 'require_approval';
  determiningPolicies: string[];
  exceptionWindowIds: string[];
  grantApprovalId?: string;
  approval?: { approvalId: string };
}

/** A tool or model call the traces show, as a request to the decision point. */
export interface CallRequest {
  traceId: string;
  spanId: string;
  body: Record<string, unknown>;
}

export interface ControlsResult {
  skipped: boolean;
  decisions: Record<Decision['outcome'], number>;
  granted: number;
  denied: number;
  windows: number;
  grantsApplied: number;
  windowsApplied: number;
  /** The outcome of the excepted call once the window applied. */
  windowOutcome?: string;
}

const flatten = (nodes: SpanNode[]): SpanNode[] => nodes.flatMap((n) => [n, ...flatten(n.children)]);

/**
 * Reads the sample traces back from trace-ingest: the tool and model calls to
 * decide on, so decisions name the spans it stored, and per trace the number
 * of model and embedding spans with usage, which the cost ledger prices.
 */
export async function callsInTraces(client: ServiceClient, files: SampleTraceFile[]): Promise<{ calls: CallRequest[]; usageSpans: Map<string, number> }> {
  const calls: CallRequest[] = [];
  const usageSpans = new Map<string, number>();
  for (const f of files) {
    const workflow = workflowOfFile(f.file);
    for (const traceId of f.traceIds) {
      const { body } = await client.call<{ spans: SpanNode[] }>('traceIngest', `/v1/traces/${traceId}`, { role: 'platform' });
      const spans = flatten(body.spans);
      usageSpans.set(traceId, spans.filter((s) => (s.step === 'llm_call' || s.step === 'embedding') && s.usage).length);
      if (!workflow) continue;
      for (const span of spans) {
        const request = requestFor(workflow, traceId, span);
        if (request) calls.push(request);
      }
    }
  }
  return { calls, usageSpans };
}

function requestFor(w: SampleWorkflow, traceId: string, span: SpanNode): CallRequest | undefined {
  const context = { environment: w.environment, traceId, spanId: span.spanId };
  const principal = { type: 'Agent', id: w.agent };
  if (span.step === 'tool_call') {
    return { traceId, spanId: span.spanId, body: { principal, action: 'invoke_tool', resource: { type: 'Tool', id: span.context.tool ?? span.name }, context } };
  }
  const model = span.context.modelServed ?? span.context.modelRequested;
  if (span.step === 'llm_call' && model) {
    return { traceId, spanId: span.spanId, body: { principal, action: 'call_model', resource: { type: 'ModelRoute', id: model }, context } };
  }
  return undefined;
}

/** The agents with their policy class and tool scope, and the tools with their side effects, as decision entities. */
export async function registerPolicyEntities(client: ServiceClient): Promise<number> {
  const entities = [
    ...SAMPLE_WORKFLOWS.map((w) => ({ uid: { type: 'Agent', id: w.agent }, attrs: { policyClass: w.policyClass, toolScope: w.toolScope, environment: w.environment }, parents: [] })),
    ...SAMPLE_TOOLS.map((t) => ({ uid: { type: 'Tool', id: t.name }, attrs: { sideEffects: t.sideEffects }, parents: [] })),
  ];
  await client.call('policy', '/v1/entities', { role: 'platform', method: 'PUT', body: { entities } });
  return entities.length;
}


/** Polls an approvals-service resource until its state is `state`; reads only, so waiting records no decision. */
async function waitForState(client: ServiceClient, what: string, path: string, state: string, timeoutMs: number): Promise<void> {
  await pollUntil(what, () => client.call<{ state?: string }>('approvals', path, { role: 'security', accept: [404] }), (r) => r.status === 200 && r.body.state === state, timeoutMs, 'controls');
}

/** Waits until the decision point has a grant or window (`/v1/exemptions/...`) and it is in force. */
async function waitForDecisionPoint(client: ServiceClient, description: string, path: string, timeoutMs: number): Promise<void> {
  await pollUntil(description, () => client.call<{ inForce?: boolean }>('policy', path, { role: 'security', accept: [404] }), (r) => r.status === 200 && r.body.inForce === true, timeoutMs, 'controls');
}

/**
 * Step 5: one decision per tool and model call; every require_approval but
 * the last is approved and the last denied; the first deny gets one
 * exception window. Each approved or excepted call is decided once more,
 * after the decision point shows the grant or the window in force, so
 * waiting never records a decision. Decisions are not deduplicated by the
 * product, so a rerun that finds decided approvals on the sample traces
 * skips this step.
 */
export async function driveControls(client: ServiceClient, calls: CallRequest[], timeoutMs: number): Promise<ControlsResult> {
  const result: ControlsResult = { skipped: false, decisions: { allow: 0, deny: 0, require_approval: 0 }, granted: 0, denied: 0, windows: 0, grantsApplied: 0, windowsApplied: 0 };
  const traceIds = new Set(calls.map((c) => c.traceId));
  const { body: existing } = await client.call<{ approvals: Array<{ traceId?: string; state: string }> }>('approvals', '/v1/approvals', { role: 'security' });
  if (existing.approvals.some((a) => a.traceId && traceIds.has(a.traceId) && a.state !== 'pending')) return { ...result, skipped: true };

  const decide = async (call: CallRequest) => {
    const { body } = await client.call<Decision>('policy', '/v1/decisions', { role: 'ai-engineering', body: call.body });
    result.decisions[body.outcome] += 1;
    return body;
  };

  const gated: Array<{ call: CallRequest; decision: Decision }> = [];
  const denied: Array<{ call: CallRequest; decision: Decision }> = [];
  for (const call of calls) {
    const decision = await decide(call);
    if (decision.outcome === 'require_approval' && decision.approval) gated.push({ call, decision });
    if (decision.outcome === 'deny') denied.push({ call, decision });
  }

  for (const [index, { call, decision }] of gated.entries()) {
    const approvalId = decision.approval!.approvalId;
    // The approvals service creates the approval from the recorded decision, so it may not exist for a moment.
    await waitForState(client, `approval ${approvalId} to be pending`, `/v1/approvals/${approvalId}`, 'pending', timeoutMs);
    if (index === gated.length - 1) {
      await client.call('approvals', `/v1/approvals/${approvalId}/deny`, { role: 'security', body: { reason: 'The sample denies the last gated call to show a denial', approver: 'security on-call' } });
      result.denied += 1;
      continue;
    }
    await client.call('approvals', `/v1/approvals/${approvalId}/approve`, { role: 'security', body: { comment: 'Reviewed in the sample load', approver: 'security on-call' } });
    result.granted += 1;
    await waitForState(client, `approval ${approvalId} to be granted`, `/v1/approvals/${approvalId}`, 'granted', timeoutMs);
    await waitForDecisionPoint(client, `grant ${approvalId} at the decision point`, `/v1/exemptions/grants/${approvalId}`, timeoutMs);
    const after = await decide(call);
    if (after.grantApprovalId === approvalId) result.grantsApplied += 1;
  }

  for (const { call, decision } of denied.slice(0, 1)) {
    const principal = call.body.principal as { type: string; id: string };
    const { body: window } = await client.call<{ windowId: string }>('approvals', '/v1/exception-windows', {
      role: 'governance',
      body: {
        policyIds: decision.determiningPolicies,
        scope: { principal, resource: call.body.resource, environment: (call.body.context as { environment: string }).environment },
        owner: 'assistants team lead',
        reason: `Pilot of ${principal.id} with its tool before the scope is widened`,
        endsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    });
    result.windows += 1;
    await waitForState(client, `exception window ${window.windowId} to be open`, `/v1/exception-windows/${window.windowId}`, 'open', timeoutMs);
    await waitForDecisionPoint(client, `exception window ${window.windowId} at the decision point`, `/v1/exemptions/windows/${window.windowId}`, timeoutMs);
    // NOTE: the window lifts only the forbid it names; an out-of-scope tool has no permit either, so the call stays denied, now for want of a permit.
    const after = await decide(call);
    if (after.exceptionWindowIds.length > 0) result.windowsApplied += 1;
    result.windowOutcome = after.outcome;
  }
  return result;
}
