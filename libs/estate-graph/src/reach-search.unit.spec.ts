import { checkRelationship } from './relationship-rules';
import { ReachEdge, ReachGraph, ReachNode } from './reach-graph';
import { agentsIn, REACH_LIMITS, ReachQuery, searchReach } from './reach-search';

const NOW = Date.parse('2026-06-01T00:00:00Z');

/** Support agent calls a gated refund tool and a search tool that reads restricted data, and delegates to a mailer agent under an open exception. */
function sampleEstate(): ReachGraph {
  const nodes: ReachNode[] = [
    { id: 'support', kind: 'agent', name: 'support-agent', environment: 'prod', policyClass: 'customer-facing' },
    { id: 'mailer', kind: 'agent', name: 'mailer-agent', environment: 'prod' },
    { id: 'staging-agent', kind: 'agent', name: 'staging-agent', environment: 'staging' },
    { id: 'route', kind: 'model-route', name: 'default-route' },
    { id: 'refund', kind: 'tool', name: 'refund_order', sideEffect: true },
    { id: 'search', kind: 'tool', name: 'search_tickets' },
    { id: 'tickets', kind: 'dataset', name: 'tickets', dataClassification: 'restricted' },
    { id: 'faq', kind: 'dataset', name: 'faq', dataClassification: 'public' },
    { id: 'email', kind: 'output-channel', name: 'customer-email' },
    { id: 'refund-approval', kind: 'approval-path', name: 'finance approval' },
    { id: 'payments-class', kind: 'policy-class', name: 'payments' },
    { id: 'mail-exception', kind: 'exception-window', name: 'mail pilot', opensAt: NOW - 1000, closesAt: NOW + 1000 },
    { id: 'old-exception', kind: 'exception-window', name: 'expired', opensAt: NOW - 2000, closesAt: NOW - 1000 },
  ];
  const edges: ReachEdge[] = [
    { type: 'uses', fromId: 'support', toId: 'route' },
    { type: 'calls', fromId: 'support', toId: 'refund' },
    { type: 'calls', fromId: 'support', toId: 'search' },
    { type: 'reads', fromId: 'search', toId: 'tickets' },
    { type: 'reads', fromId: 'search', toId: 'faq' },
    { type: 'delegates-to', fromId: 'support', toId: 'mailer' },
    { type: 'delegates-to', fromId: 'mailer', toId: 'support' },
    { type: 'writes', fromId: 'mailer', toId: 'email' },
    { type: 'gated-by', fromId: 'refund', toId: 'refund-approval' },
    { type: 'governed-by', fromId: 'refund', toId: 'payments-class' },
    { type: 'excepted-by', fromId: 'mailer', toId: 'mail-exception' },
    { type: 'excepted-by', fromId: 'mailer', toId: 'old-exception' },
    { type: 'reads', fromId: 'staging-agent', toId: 'unknown-dataset' },
  ];
  return new ReachGraph(nodes, edges);
}

const query = (overrides: Partial<ReachQuery>): ReachQuery => ({
  startIds: ['support'],
  minSensitivity: 'confidential',
  maxDepth: REACH_LIMITS.defaultDepth,
  maxPaths: REACH_LIMITS.defaultPaths,
  maxExpansions: REACH_LIMITS.maxExpansions,
  at: NOW,
  ...overrides,
});

const route = (path: { nodes: Array<{ id: string }> }) => path.nodes.map((n) => n.id).join('>');

describe('reach search', () => {
  it('lists paths to sensitive data and side effects with their controls', () => {
    const result = searchReach(sampleEstate(), query({}));
    expect(result.paths.map(route).sort()).toEqual(['support>mailer>email', 'support>refund', 'support>search>tickets']);
    expect(result.truncatedBy).toBeNull();

    const refund = result.paths.find((p) => route(p) === 'support>refund')!;
    expect(refund.ungated).toBe(false);
    expect(refund.controls.approvalGates.map((g) => g.id)).toEqual(['refund-approval']);
    expect(refund.controls.policyClasses).toEqual(['customer-facing', 'payments']);
    expect(refund.relationships).toEqual(['calls']);

    const tickets = result.paths.find((p) => route(p) === 'support>search>tickets')!;
    expect(tickets.ungated).toBe(true);
    expect(tickets.target.dataClassification).toBe('restricted');

    const email = result.paths.find((p) => route(p) === 'support>mailer>email')!;
    expect(email.ungated).toBe(true);
    expect(email.target.sideEffect).toBe(true);
    expect(email.controls.openExceptionWindows.map((w) => w.id)).toEqual(['mail-exception']);
  });

  it('includes lower classifications when asked', () => {
    const result = searchReach(sampleEstate(), query({ minSensitivity: 'public' }));
    expect(result.paths.map(route)).toContain('support>search>faq');
    expect(result.paths.map(route)).not.toContain('support>search');
  });

  it('stops at the depth bound', () => {
    const result = searchReach(sampleEstate(), query({ maxDepth: 1 }));
    expect(result.paths.map(route)).toEqual(['support>refund']);
  });

  it('reports truncation by path count', () => {
    const result = searchReach(sampleEstate(), query({ maxPaths: 1 }));
    expect(result.paths).toHaveLength(1);
    expect(result.truncatedBy).toBe('maxPaths');
  });

  it('starts from every agent in an environment', () => {
    const graph = sampleEstate();
    expect(agentsIn(graph, 'prod').sort()).toEqual(['mailer', 'support']);
    const result = searchReach(graph, query({ startIds: ['missing', ...agentsIn(graph, 'prod')] }));
    expect(result.unknownStartIds).toEqual(['missing']);
    expect(result.paths.map(route)).toContain('mailer>email');
  });
});

describe('relationship rules', () => {
  it('names the allowed kinds for an invalid pair', () => {
    expect(checkRelationship('calls', 'agent', 'dataset')).toBe('a "calls" relationship from an agent cannot end at a dataset; it may end at: tool');
    expect(checkRelationship('exposes', 'agent', 'tool')).toBe('an "exposes" relationship cannot start at an agent; it may start at: mcp-server');
    expect(checkRelationship('governed-by', 'dataset', 'policy-class')).toBeUndefined();
  });
});
