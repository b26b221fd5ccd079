import type { Attributes, AttributeValue, SpanInput } from '@estate/genai-conventions';
import type { IngestLimits } from '../settings';

export const TRUNCATION_MARKER = '…[truncated]';

/** Returns why the span breaks a limit that truncation cannot fix, if it does. */
export function spanLimitProblem(span: SpanInput, limits: IngestLimits): string | undefined {
  const count = Object.keys(span.attributes).length;
  if (count > limits.maxAttributesPerSpan) {
    return `the span has ${count} attributes; the limit is ${limits.maxAttributesPerSpan} per span`;
  }
  return undefined;
}

/**
 * Truncates long string values in place, on the span, its events and its
 * resource. A truncated value ends with TRUNCATION_MARKER, and
 * `estate.truncated` maps each truncated span attribute key to its original
 * length in characters (code points), so the loss is visible.
 */
export function truncateLongValues(span: SpanInput, maxLength: number): void {
  const truncated: Record<string, number> = {};
  truncateAttributes(span.attributes, maxLength, truncated, '');
  span.events.forEach((event, i) => truncateAttributes(event.attributes, maxLength, truncated, `events[${i}].`));
  truncateAttributes(span.resource, maxLength, truncated, 'resource.');
  if (Object.keys(truncated).length > 0) span.attributes['estate.truncated'] = truncated;
}

function truncateAttributes(attributes: Attributes, maxLength: number, truncated: Record<string, number>, prefix: string): void {
  for (const key in attributes) {
    const value = attributes[key];
    // Most values are short strings or scalars: they skip the allocation below.
    if (typeof value === 'string' ? value.length <= maxLength : !Array.isArray(value)) continue;
    const result = truncateValue(value, maxLength);
    if (result.originalLength !== undefined) {
      attributes[key] = result.value;
      truncated[`${prefix}${key}`] = result.originalLength;
    }
  }
}

function truncateValue(value: AttributeValue, maxLength: number): { value: AttributeValue; originalLength?: number } {
  if (typeof value === 'string') {
    // Code units bound code points from above, so a short string is never counted.
    if (value.length <= maxLength) return { value };
    const codePoints = Array.from(value);
    if (codePoints.length <= maxLength) return { value };
    return { value: codePoints.slice(0, maxLength).join('') + TRUNCATION_MARKER, originalLength: codePoints.length };
  }
  if (Array.isArray(value)) {
    let changed: number | undefined;
    const values = value.map((v) => {
      const r = truncateValue(v, maxLength);
      if (r.originalLength !== undefined) changed = Math.max(changed ?? 0, r.originalLength);
      return r.value;
    });
    return changed === undefined ? { value } : { value: values, originalLength: changed };
  }
  return { value };
}
