import { parseBundle } from './bundle';
import { buildCedarSchema } from './cedar-schema';
import { DEFAULT_POLICIES } from './default-bundle';
import { DEFAULT_POLICY_IDS, RUNTIME_CHECK_IDS } from './policy-ids';
import { runRuntimeChecks } from './checks';

describe('policy ids', () => {
  it('lists the default bundle ids the engine parses', () => {
    const parsed = parseBundle(DEFAULT_POLICIES, buildCedarSchema());
    expect([...DEFAULT_POLICY_IDS].sort()).toEqual(Object.keys(parsed.policies).sort());
  });

  it('names every runtime check verdict', () => {
    const checks = runRuntimeChecks({
      action: 'send_output', toolName: 'issue_refund', environment: 'prod', output: 'key AKIAABCDEFGHIJKLMNOP',
      agentToolScope: ['issue_refund'], pinnedDefinitionHash: 'a'.repeat(64), observedDefinitionHash: 'b'.repeat(64),
      principalEnvironment: 'dev', customerFacingChannel: false, maxOutputLength: 100,
    });
    const ids = checks.verdicts.map((v) => v.checkId).sort();
    expect(ids).toEqual([...RUNTIME_CHECK_IDS].sort());
  });
});
