import 'reflect-metadata';
import { validatePlain } from '../validation';
import { ApprovalScope, RequestedApproval } from './policy';
import { ExceptionWindowOpened } from './approvals';

const ref = { type: 'Agent', id: 'support-bot' };
const scope = { principal: ref, action: 'call_tool', resource: { type: 'Tool', id: 'issue_refund' }, toolDefinitionHash: '', argumentsHash: '', bundleVersion: 'v1' };

describe('required nested objects', () => {
  it('rejects a missing nested object by name instead of letting it through', () => {
    const { principal: _dropped, ...noPrincipal } = scope;
    expect(validatePlain(ApprovalScope, noPrincipal).issues).toEqual(expect.arrayContaining([{ field: 'principal', message: 'principal must be an object' }]));
    const requested = validatePlain(RequestedApproval, { approvalId: 'apr-1', scope, expiresInSeconds: 60 });
    expect(requested.issues.map((i) => i.field)).toContain('path');
    const window = validatePlain(ExceptionWindowOpened, { windowId: 'w1', version: 1, policyIds: ['p1'], owner: 'o', reason: 'r', startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-02T00:00:00Z', openedBy: 'k' });
    expect(window.issues.map((i) => i.field)).toContain('scope');
  });

  it('accepts the objects when present', () => {
    expect(validatePlain(ApprovalScope, scope).issues).toEqual([]);
    expect(validatePlain(RequestedApproval, { approvalId: 'apr-1', scope, path: { roles: ['security'], required: 1 }, expiresInSeconds: 60 }).issues).toEqual([]);
  });
});
