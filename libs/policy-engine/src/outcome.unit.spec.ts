import { parseBundle } from './bundle';
import { buildCedarSchema } from './cedar-schema';
import { CheckVerdict } from './checks';
import { EngineRequest, LoadedBundle, PolicyEngine } from './engine';
import { grantPathSatisfies, OpenWindow, resolveOutcome } from './outcome';

const POLICIES = `
@id("permit.writes")
@obligation("redact")
permit (principal, action == Action::"write_dataset", resource);

@id("forbid.restricted")
@reason("Restricted data is never written by agents.")
forbid (principal, action == Action::"write_dataset", resource)
when { resource has classification && resource.classification == "restricted" };

@id("gate.prod")
@reason("Production writes need security approval.")
@approvers("security")
@approval_ttl("900")
forbid (principal, action == Action::"write_dataset", resource)
when { context.environment == "prod" };

@id("gate.pii")
@approvers("governance, security")
@quorum("2")
forbid (principal, action == Action::"write_dataset", resource)
when { context.piiKinds.contains("email") };

@id("forbid.budget")
forbid (principal, action == Action::"write_dataset", resource)
when { context.budgetState == "exceeded" };

@id("permit.reads-in-dev")
permit (principal, action == Action::"read_dataset", resource)
when { context.environment == "dev" };
`;

const schema = buildCedarSchema();
const engine = new PolicyEngine();
const bundle: LoadedBundle = engine.load('v1', parseBundle(POLICIES, schema), schema);

interface Case {
  action?: string;
  environment?: string;
  classification?: string;
  piiKinds?: string[];
  budgetState?: string;
}

function requestOf(c: Case): EngineRequest {
  return {
    principal: { type: 'Agent', id: 'writer' },
    action: { type: 'Action', id: c.action ?? 'write_dataset' },
    resource: { type: 'Dataset', id: 'orders' },
    context: {
      environment: c.environment ?? 'dev',
      policyClass: 'internal',
      budgetState: c.budgetState ?? 'ok',
      toolInScope: true,
      toolDefinitionPinned: true,
      promptInjection: false,
      piiKinds: c.piiKinds ?? [],
      secretKinds: [],
      outputValid: true,
    },
    entities: [{ uid: { type: 'Dataset', id: 'orders' }, attrs: c.classification ? { classification: c.classification } : {}, parents: [] }],
  };
}

/** Resolves a case, recording which lookups the resolver asked for. */
async function resolve(c: Case, options: { windows?: OpenWindow[]; grant?: string; verdicts?: CheckVerdict[] } = {}) {
  const request = requestOf(c);
  const asked: string[] = [];
  const outcome = await resolveOutcome(engine.authorize(bundle, request), options.verdicts ?? [], bundle.meta, {
    openWindows: async () => {
      asked.push('windows');
      return options.windows ?? [];
    },
    findGrant: async () => {
      asked.push('grant');
      return options.grant;
    },
    reevaluate: (excluded) => engine.authorize(bundle, request, excluded),
  });
  return { ...outcome, asked };
}

describe('resolveOutcome', () => {
  it('allows on a permit without asking lookups', async () => {
    const result = await resolve({});
    expect(result.outcome).toBe('allow');
    expect(result.determining).toEqual(['permit.writes']);
    expect(result.obligationPolicies).toEqual(['permit.writes']);
    expect(result.asked).toEqual([]);
  });

  it('denies when no policy permits', async () => {
    const result = await resolve({ action: 'read_dataset', environment: 'prod' });
    expect(result.outcome).toBe('deny');
    expect(result.determining).toEqual(['no-permit']);
  });

  it('lets a forbid win over a permit', async () => {
    const result = await resolve({ classification: 'restricted' });
    expect(result.outcome).toBe('deny');
    expect(result.determining).toEqual(['forbid.restricted']);
    expect(result.reasons).toEqual(['Restricted data is never written by agents.']);
  });

  it('denies when a hard forbid joins a gate', async () => {
    const result = await resolve({ environment: 'prod', classification: 'restricted' });
    expect(result.outcome).toBe('deny');
    expect(result.determining).toEqual(['forbid.restricted']);
    expect(result.approvalPath).toBeUndefined();
  });

  it('turns a gate into require_approval', async () => {
    const result = await resolve({ environment: 'prod' });
    expect(result.outcome).toBe('require_approval');
    expect(result.determining).toEqual(['gate.prod']);
    expect(result.approvalPath).toEqual({ roles: ['security'], required: 1, expiresInSeconds: 900 });
    expect(result.asked).toEqual(['windows', 'grant']);
  });

  it('merges several gates into one approval path', async () => {
    const result = await resolve({ environment: 'prod', piiKinds: ['email'] });
    expect(result.outcome).toBe('require_approval');
    expect([...result.determining].sort()).toEqual(['gate.pii', 'gate.prod']);
    expect(result.approvalPath).toEqual({ roles: ['governance', 'security'], required: 2, expiresInSeconds: 900 });
  });

  it('allows a gated request with a matching grant', async () => {
    const result = await resolve({ environment: 'prod' }, { grant: 'apr-1' });
    expect(result.outcome).toBe('allow');
    expect(result.grantApprovalId).toBe('apr-1');
    expect(result.determining).toEqual(['permit.writes']);
    expect(result.reasons).toContain('approval apr-1 granted exactly this request');
  });

  it('does not let a grant lift a hard forbid', async () => {
    const result = await resolve({ environment: 'prod', budgetState: 'exceeded' }, { grant: 'apr-1' });
    expect(result.outcome).toBe('deny');
    expect(result.determining).toEqual(['forbid.budget']);
    expect(result.asked).toEqual(['windows']);
  });

  it('lifts only the policies a window names', async () => {
    const windows = [{ windowId: 'win-1', policyIds: ['forbid.restricted'] }];
    const lifted = await resolve({ classification: 'restricted' }, { windows });
    expect(lifted.outcome).toBe('allow');
    expect(lifted.exceptionWindowIds).toEqual(['win-1']);
    expect(lifted.reasons).toContain('exempted from forbid.restricted by exception window win-1');

    const other = await resolve({ classification: 'restricted', budgetState: 'exceeded' }, { windows });
    expect(other.outcome).toBe('deny');
    expect(other.determining).toEqual(['forbid.budget']);
    expect(other.exceptionWindowIds).toEqual(['win-1']);

    const gateLeft = await resolve({ classification: 'restricted', environment: 'prod' }, { windows });
    expect(gateLeft.outcome).toBe('require_approval');
    expect(gateLeft.determining).toEqual(['gate.prod']);
  });

  it('lets a window lift a gate', async () => {
    const result = await resolve({ environment: 'prod' }, { windows: [{ windowId: 'win-2', policyIds: ['gate.prod'] }] });
    expect(result.outcome).toBe('allow');
    expect(result.exceptionWindowIds).toEqual(['win-2']);
    expect(result.asked).toEqual(['windows']);
  });

  it('denies on a check verdict unless a window names it', async () => {
    const verdicts = [{ checkId: 'check:environment', reason: 'prod data from staging' }];
    const denied = await resolve({}, { verdicts });
    expect(denied.outcome).toBe('deny');
    expect(denied.determining).toEqual(['check:environment']);
    expect(denied.reasons).toEqual(['prod data from staging']);

    const lifted = await resolve({}, { verdicts, windows: [{ windowId: 'win-3', policyIds: ['check:environment'] }] });
    expect(lifted.outcome).toBe('allow');
  });

  it('denies when a lifted forbid leaves no permit', async () => {
    const request = requestOf({ action: 'read_dataset', environment: 'prod' });
    const result = await resolveOutcome(
      { decision: 'deny', determining: [], errors: [{ policyId: 'forbid.restricted', message: 'attribute missing' }] },
      [],
      bundle.meta,
      {
        openWindows: async () => [{ windowId: 'win-4', policyIds: ['forbid.restricted'] }],
        findGrant: async () => undefined,
        reevaluate: (excluded) => engine.authorize(bundle, request, excluded),
      },
    );
    expect(result.outcome).toBe('deny');
    expect(result.determining).toEqual(['no-permit']);
  });

  it('counts an erroring forbid as satisfied', async () => {
    const result = await resolveOutcome(
      { decision: 'allow', determining: ['permit.writes'], errors: [{ policyId: 'forbid.restricted', message: 'attribute missing' }] },
      [],
      bundle.meta,
      { openWindows: async () => [], findGrant: async () => undefined, reevaluate: () => { throw new Error('not expected'); } },
    );
    expect(result.outcome).toBe('deny');
    expect(result.determining).toEqual(['forbid.restricted']);
    expect(result.reasons).toContain('policy forbid.restricted failed to evaluate: attribute missing');
  });
});

describe('grantPathSatisfies', () => {
  const gate = { roles: ['platform'], required: 1 };

  it('accepts the gate path itself', () => {
    expect(grantPathSatisfies({ roles: ['platform'], required: 1 }, gate)).toBe(true);
  });

  it('accepts a larger quorum', () => {
    expect(grantPathSatisfies({ roles: ['platform'], required: 2 }, gate)).toBe(true);
  });

  it('rejects a role the gate does not name', () => {
    expect(grantPathSatisfies({ roles: ['ai-engineering'], required: 1 }, gate)).toBe(false);
    expect(grantPathSatisfies({ roles: ['platform', 'ai-engineering'], required: 1 }, gate)).toBe(false);
  });

  it('rejects a team the gate does not name', () => {
    expect(grantPathSatisfies({ roles: ['platform'], teams: ['payments'], required: 1 }, gate)).toBe(false);
  });

  it('rejects a smaller quorum', () => {
    expect(grantPathSatisfies({ roles: ['security'], required: 1 }, { roles: ['security'], required: 2 })).toBe(false);
  });
});
