import type { Attributes, AttributeValue, SpanInput } from '@estate/genai-conventions';

/** Redaction applies to spans of a tenant and environment matching a rule; an absent field matches every value. */
export interface RedactionRule {
  tenantId?: string;
  environment?: string;
}

const RULE_KEYS = new Set(['tenantId', 'environment']);
const EXAMPLE = 'for example [{"environment":"prod"},{"tenantId":"acme"}]';

/** Parses the TRACE_REDACTION variable; throws with the fix when it is not a JSON list of rules. */
export function parseRedactionRules(raw: string | undefined): RedactionRule[] {
  if (!raw || raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new Error(`is not JSON (${(error as Error).message}); expected a list of rules, ${EXAMPLE}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`must be a JSON list of {"tenantId"?, "environment"?} objects, ${EXAMPLE}`);
  return parsed.map((rule: unknown, index) => {
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) throw new Error(`rule ${index} must be an object with "tenantId" and/or "environment"`);
    const unknown = Object.keys(rule).filter((key) => !RULE_KEYS.has(key));
    if (unknown.length > 0) throw new Error(`rule ${index} has unknown key(s) ${unknown.join(', ')}; a rule may set only "tenantId" and "environment"`);
    const { tenantId, environment } = rule as Record<string, unknown>;
    for (const [key, value] of Object.entries({ tenantId, environment })) {
      if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) throw new Error(`rule ${index}: ${key} must be a non-empty string, got ${JSON.stringify(value)}`);
    }
    return { tenantId: tenantId as string | undefined, environment: environment as string | undefined };
  });
}

export function redactionApplies(rules: RedactionRule[], tenantId: string, environment: string | undefined): boolean {
  return rules.some((r) => (r.tenantId === undefined || r.tenantId === tenantId) && (r.environment === undefined || r.environment === environment));
}

/** Attribute keys that carry prompt, completion or tool payload text in the conventions Estate reads. */
const CONTENT_KEY = /^(gen_ai\.(input|output)\.messages|gen_ai\.system_instructions|gen_ai\.(prompt|completion)(\..*)?|gen_ai\.tool\.call\.(arguments|result)|llm\.(input|output)_messages\..*|llm\.prompts?(\..*)?|input\.value|output\.value|ai\.(prompt(\..*)?|response\.(text|object|toolCalls))|ai\.toolCall\.(args|result)|traceloop\.entity\.(input|output)|gcp\.vertex\.agent\.(llm_request|llm_response|tool_call_args|tool_response)|input|output)$/;

/** Patterns replaced in this order: secrets first, so an email inside a key is not half-masked. */
const PATTERNS: Array<{ kind: string; pattern: RegExp }> = [
  { kind: 'secret', pattern: /\b(sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abpr]-[A-Za-z0-9-]{10,}|est_[A-Za-z0-9_-]{16,})\b/g },
  { kind: 'secret', pattern: /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g },
  { kind: 'secret', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g },
  { kind: 'email', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g },
  { kind: 'card_number', pattern: /\b\d(?:[ -]?\d){12,18}\b/g },
  { kind: 'phone', pattern: /\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}\b/g },
  { kind: 'iban', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b/g },
];

export function redactText(text: string): { text: string; count: number } {
  let count = 0;
  let result = text;
  for (const { kind, pattern } of PATTERNS) {
    result = result.replace(pattern, () => {
      count += 1;
      return `[REDACTED:${kind}]`;
    });
  }
  return { text: result, count };
}

function redactValue(value: AttributeValue): { value: AttributeValue; count: number } {
  if (typeof value === 'string') {
    const { text, count } = redactText(value);
    return { value: text, count };
  }
  if (Array.isArray(value)) {
    let count = 0;
    const values = value.map((v) => {
      const r = redactValue(v);
      count += r.count;
      return r.value;
    });
    return { value: values, count };
  }
  if (value && typeof value === 'object') {
    let count = 0;
    const out: Attributes = {};
    for (const [k, v] of Object.entries(value)) {
      const r = redactValue(v);
      count += r.count;
      out[k] = r.value;
    }
    return { value: out, count };
  }
  return { value, count: 0 };
}

function redactAttributes(attributes: Attributes, everyKey: boolean): number {
  let count = 0;
  for (const [key, value] of Object.entries(attributes)) {
    if (!everyKey && !CONTENT_KEY.test(key)) continue;
    const r = redactValue(value);
    attributes[key] = r.value;
    count += r.count;
  }
  return count;
}

/**
 * Masks PII and secrets in message content, in place: content attributes of
 * the span and every attribute of its events (which carry messages in the
 * event form of the GenAI conventions). Records how many values were
 * replaced in `estate.redactions`.
 */
export function redactSpan(span: SpanInput): void {
  let count = redactAttributes(span.attributes, false);
  for (const event of span.events) count += redactAttributes(event.attributes, true);
  if (count > 0) span.attributes['estate.redactions'] = count;
}
