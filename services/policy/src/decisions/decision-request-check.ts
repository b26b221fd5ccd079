import { BASE_ACTIONS, BUDGET_STATES } from '@estate/policy-engine';
import { bodyShapeProblem } from '@estate/service-kit';
import { DecisionRequestDto, ENTITY_TYPES, MAX_TEXT } from './decision.dto';

type Plain = Record<string, unknown>;

const REQUEST_KEYS = new Set(['principal', 'action', 'resource', 'context']);
const ENTITY_REF_KEYS = new Set(['type', 'id']);
const CONTEXT_KEYS = new Set([
  'environment', 'policyClass', 'toolScope', 'traceId', 'spanId', 'prompt', 'output', 'retrievedContent', 'budgetState', 'toolDefinitionHash', 'arguments',
]);
const ENTITY_TYPE_SET = new Set<unknown>(ENTITY_TYPES);
const ACTION_SET = new Set<unknown>(BASE_ACTIONS);
const BUDGET_STATE_SET = new Set<unknown>(BUDGET_STATES);
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Returns the request when it is plainly valid, or undefined when
 * class-validator must judge it. It accepts only what the decorators on
 * DecisionRequestDto accept, and hands everything else back (unknown keys,
 * nulls, request entities, NUL characters, deep nesting, any doubt), so
 * errors keep their usual wording and the global pipe's body checks apply.
 * class-validator 0.14 walks every registered class for each nested object,
 * which made validation cost about as much as the Cedar call.
 */
export function acceptDecisionRequest(value: unknown): DecisionRequestDto | undefined {
  if (!isPlain(value) || !hasOnly(value, REQUEST_KEYS)) return undefined;
  if (!ACTION_SET.has(value.action)) return undefined;
  if (!isEntityRef(value.principal) || !isEntityRef(value.resource)) return undefined;
  if (!isContext(value.context)) return undefined;
  if (bodyShapeProblem(value) !== undefined) return undefined;
  return value as unknown as DecisionRequestDto;
}

function isContext(value: unknown): boolean {
  if (!isPlain(value) || !hasOnly(value, CONTEXT_KEYS)) return false;
  const c = value;
  return (
    isText(c.environment, 64) && c.environment !== '' &&
    optional(c.policyClass, (v) => isText(v, 64)) &&
    optional(c.toolScope, (v) => isTextList(v, 1000, Number.POSITIVE_INFINITY)) &&
    optional(c.traceId, (v) => typeof v === 'string' && TRACE_ID.test(v)) &&
    optional(c.spanId, (v) => typeof v === 'string' && SPAN_ID.test(v)) &&
    optional(c.prompt, (v) => isText(v, MAX_TEXT)) &&
    optional(c.output, (v) => isText(v, MAX_TEXT)) &&
    optional(c.retrievedContent, (v) => isTextList(v, 100, MAX_TEXT)) &&
    optional(c.budgetState, (v) => BUDGET_STATE_SET.has(v)) &&
    optional(c.toolDefinitionHash, (v) => typeof v === 'string' && SHA256_HEX.test(v)) &&
    optional(c.arguments, (v) => typeof v === 'object' && v !== null && !Array.isArray(v))
  );
}

function isEntityRef(value: unknown): boolean {
  if (!isPlain(value) || !hasOnly(value, ENTITY_REF_KEYS)) return false;
  return ENTITY_TYPE_SET.has(value.type) && isText(value.id, 512) && value.id !== '';
}

function isPlain(value: unknown): value is Plain {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hasOnly(value: Plain, allowed: ReadonlySet<string>): boolean {
  for (const key of Object.keys(value)) if (!allowed.has(key)) return false;
  return true;
}

/** Absent passes. Null goes to class-validator, whose @IsOptional also lets it through. */
function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || (value !== null && check(value));
}

// UTF-16 length is at least the length class-validator's MaxLength counts, so passing here passes there.
function isText(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value.length <= maxLength;
}

function isTextList(value: unknown, maxItems: number, maxLength: number): boolean {
  return Array.isArray(value) && value.length <= maxItems && value.every((item) => isText(item, maxLength));
}
