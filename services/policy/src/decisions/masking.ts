import { CheckResult, findPii, findSecrets, maskText } from '@estate/policy-engine';
import { DecisionContextDto } from './decision.dto';

const MAX_RECORDED_TEXT = 4096;

/**
 * The context as the decision record stores it: prompt, output and retrieved
 * content with PII and secrets replaced and cut to a bounded size, and
 * string arguments masked the same way.
 */
export function maskContext(context: DecisionContextDto, checks: CheckResult): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...context };
  if (context.prompt !== undefined) masked.prompt = maskText(context.prompt, checks.findings.prompt, MAX_RECORDED_TEXT);
  if (context.output !== undefined) masked.output = maskText(context.output, checks.findings.output, MAX_RECORDED_TEXT);
  if (context.retrievedContent) {
    masked.retrievedContent = context.retrievedContent.map((text, i) => maskText(text, checks.findings.retrievedContent[i] ?? [], MAX_RECORDED_TEXT));
  }
  if (context.arguments) masked.arguments = maskValue(context.arguments);
  return masked;
}

function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskText(value, [...findPii(value), ...findSecrets(value)], MAX_RECORDED_TEXT);
  if (Array.isArray(value)) return value.map(maskValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v)]));
  }
  return value;
}
