import type { Attributes, AttributeValue } from './span-input';

/**
 * Reads span attributes first and resource attributes second, so a span can
 * override what its process declares. Numbers sent as strings (common in
 * exports that stringify every attribute) are accepted.
 */
export class AttributeReader {
  constructor(
    readonly span: Attributes,
    readonly resource: Attributes,
  ) {}

  /** The first non-empty string among `keys`, looked up on the span then on the resource. */
  text(...keys: string[]): string | undefined {
    return firstText(this.span, keys) ?? firstText(this.resource, keys);
  }

  /** The first non-empty string among `keys` on the span only. */
  spanText(...keys: string[]): string | undefined {
    return firstText(this.span, keys);
  }

  /** The first non-negative integer among `keys` on the span only; token counts never come from the resource. */
  count(...keys: string[]): number | undefined {
    for (const key of keys) {
      const value = toCount(this.span[key]);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  has(prefix: string): boolean {
    return Object.keys(this.span).some((key) => key.startsWith(prefix));
  }
}

function firstText(attributes: Attributes, keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  return undefined;
}

/** Reads a token count: a whole number from 0 to 2^53 - 1, as a number or a decimal string; anything else is undefined. */
export function toCount(value: AttributeValue | undefined): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}
