import { createHash } from 'node:crypto';
import { cedar, DetailedError } from './cedar';

/** One problem the engine found in a bundle, with its position in the bundle text (1-based). */
export interface BundleIssue {
  policyId?: string;
  message: string;
  help?: string;
  line?: number;
  column?: number;
}

export class BundleInvalidError extends Error {
  constructor(readonly issues: BundleIssue[]) {
    super(`policy bundle is invalid: ${issues.map(formatIssue).join('; ')}`);
    this.name = 'BundleInvalidError';
  }
}

function formatIssue(issue: BundleIssue): string {
  const where = issue.line ? ` at line ${issue.line}, column ${issue.column}` : '';
  return `${issue.message}${where}`;
}

/** What policy annotations tell the decision point beyond permit and forbid. */
export interface PolicyMeta {
  id: string;
  effect: 'permit' | 'forbid';
  /** On a forbid: the request may proceed once these roles approve it (`@approvers("security,governance")`). */
  approvers?: string[];
  /** On a forbid gate: distinct approvals needed (`@quorum("2")`), default 1. */
  quorum?: number;
  /** On a forbid gate: seconds the approval request stays open (`@approval_ttl("3600")`). */
  approvalTtlSeconds?: number;
  /** On a permit: what the caller must do (`@obligation("redact")`). */
  obligation?: string;
  /** A sentence for people reading the decision (`@reason("...")`). */
  reason?: string;
}

/** A validated bundle, split into policies named by their `@id` annotation. */
export interface ParsedBundle {
  policies: Record<string, string>;
  meta: Map<string, PolicyMeta>;
  sha256: string;
}

/**
 * Parses and validates the policy text against the schema in strict mode.
 * Throws BundleInvalidError carrying every engine message with its line and
 * column; a bundle that throws is never stored or activated.
 */
export function parseBundle(policyText: string, schemaText: string): ParsedBundle {
  const schemaCheck = cedar.checkParseSchema(schemaText);
  if (schemaCheck.type === 'failure') throw new BundleInvalidError(schemaCheck.errors.map((e) => toIssue(e, schemaText)));

  const parts = cedar.policySetTextToParts(policyText);
  if (parts.type === 'failure') throw new BundleInvalidError(parts.errors.map((e) => toIssue(e, policyText)));
  if (parts.policy_templates.length > 0) {
    throw new BundleInvalidError([{ message: 'policy templates are not supported in bundles; write static policies' }]);
  }

  const policies: Record<string, string> = {};
  const meta = new Map<string, PolicyMeta>();
  const spans: PolicySpan[] = [];
  parts.policies.forEach((text, index) => {
    const json = cedar.policyToJson(text);
    if (json.type === 'failure') throw new BundleInvalidError(json.errors.map((e) => toIssue(e, text)));
    const annotations = json.json.annotations ?? {};
    const id = annotations.id ?? `policy${index}`;
    if (policies[id] !== undefined) {
      throw new BundleInvalidError([{ policyId: id, message: `two policies share @id("${id}"); each policy id must be unique` }]);
    }
    policies[id] = text;
    const start = policyText.indexOf(text);
    if (start >= 0) spans.push({ id, start, end: start + text.length });
    meta.set(id, readMeta(id, json.json.effect, annotations));
  });

  // Validating the whole text keeps the engine's offsets relative to the bundle as the author wrote it.
  const answer = cedar.validate({ schema: schemaText, policies: { staticPolicies: policyText }, validationSettings: { mode: 'strict' } });
  if (answer.type === 'failure') throw new BundleInvalidError(answer.errors.map((e) => toIssue(e, policyText)));
  if (answer.validationErrors.length > 0) {
    throw new BundleInvalidError(answer.validationErrors.map((e) => toIssue(e.error, policyText, spans)));
  }
  return { policies, meta, sha256: createHash('sha256').update(policyText).digest('hex') };
}

function readMeta(id: string, effect: 'permit' | 'forbid', annotations: Record<string, string>): PolicyMeta {
  const meta: PolicyMeta = { id, effect, reason: annotations.reason, obligation: annotations.obligation };
  if (annotations.approvers !== undefined) {
    if (effect !== 'forbid') {
      throw new BundleInvalidError([{ policyId: id, message: `@approvers on policy "${id}" needs a forbid policy: it names who may lift the forbid` }]);
    }
    meta.approvers = annotations.approvers.split(',').map((r) => r.trim()).filter(Boolean);
    meta.quorum = positiveInteger(id, 'quorum', annotations.quorum ?? '1');
    meta.approvalTtlSeconds = positiveInteger(id, 'approval_ttl', annotations.approval_ttl ?? '3600');
  }
  return meta;
}

function positiveInteger(policyId: string, annotation: string, raw: string): number {
  if (!/^[1-9]\d{0,6}$/.test(raw)) {
    throw new BundleInvalidError([{ policyId, message: `@${annotation}("${raw}") on policy "${policyId}" must be a positive whole number` }]);
  }
  return Number(raw);
}

interface PolicySpan {
  id: string;
  start: number;
  end: number;
}

/**
 * The engine names policies of a text bundle `policy0`, `policy1`, ... in an
 * order of its own, so the `@id` is found from the error's offset instead.
 */
function toIssue(error: DetailedError, text: string, spans: PolicySpan[] = []): BundleIssue {
  const location = error.sourceLocations?.[0];
  const issue: BundleIssue = { message: error.message };
  if (error.help) issue.help = error.help;
  const span = location ? spans.find((s) => location.start >= s.start && location.start < s.end) : undefined;
  if (span) issue.policyId = span.id;
  if (location) Object.assign(issue, lineAndColumn(text, location.start));
  return issue;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
