import { isISO8601 } from 'class-validator';
import type { FieldIssue } from '../errors';
import { absentOrString, isPlainObject, nonEmpty, STRICT_DATE } from '../plain-checks';
import { validatePlain } from '../validation';

const stringArray = (value: unknown, maxItems = Infinity) => Array.isArray(value) && value.length <= maxItems && value.every((item) => typeof item === 'string');
const absentOrStringArray = (value: unknown) => value === undefined || value === null || stringArray(value);
const entityRef = (value: unknown) => isPlainObject(value) && nonEmpty(value.type, 64) && nonEmpty(value.id, 512);
const obligation = (value: unknown) => isPlainObject(value) && nonEmpty(value.type) && absentOrStringArray(value.fields) && absentOrStringArray(value.kinds);

/**
 * Accepts a plainly valid `policy.decision.recorded` payload by the rules of
 * its class-validator decorators, without class-transformer's copy of the
 * whole context, which cost about 100 µs per decision on every encode and
 * decode. Lengths are compared in UTF-16 units, which never exceed the code
 * points class-validator counts, so nothing it rejects is accepted here. A
 * payload with a requested approval, or anything this does not accept, goes
 * through the decorators, which also word the issues.
 */
export function decisionLooksValid(payload: unknown, outcomes: readonly string[]): boolean {
  if (!isPlainObject(payload)) return false;
  const p = payload;
  return (
    nonEmpty(p.decisionId) && absentOrString(p.traceId) && absentOrString(p.spanId) &&
    entityRef(p.principal) && nonEmpty(p.action) && entityRef(p.resource) && isPlainObject(p.context) &&
    typeof p.outcome === 'string' && outcomes.includes(p.outcome) && nonEmpty(p.bundleVersion) &&
    stringArray(p.determiningPolicies) && stringArray(p.reasons, 100) &&
    Array.isArray(p.obligations) && p.obligations.every(obligation) &&
    stringArray(p.exceptionWindowIds) && absentOrString(p.grantApprovalId) &&
    (p.approval === undefined || p.approval === null) &&
    typeof p.decidedAt === 'string' && isISO8601(p.decidedAt, STRICT_DATE) && absentOrString(p.requestedByKeyId)
  );
}

/** Builds a definition's `validate` that takes the fast path when it can and the decorators otherwise. */
export function fastThenDecorators<T extends object>(cls: new () => T, fast: (payload: unknown) => boolean): (payload: unknown) => FieldIssue[] {
  return (payload) => (fast(payload) ? [] : validatePlain(cls, payload).issues);
}
