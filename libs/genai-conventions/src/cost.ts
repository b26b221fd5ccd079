import Decimal from 'decimal.js';
import type { ReportedCost } from '@estate/contracts';
import type { AttributeValue } from './span-input';
import { AttributeReader } from './attributes';

/** Cost attributes producers set, with the source recorded beside the amount. */
const COST_KEYS: Array<{ key: string; source: string }> = [
  { key: 'estate.cost.amount', source: 'estate.cost.amount' },
  { key: 'llm.cost.total', source: 'openinference llm.cost.total' },
  { key: 'gen_ai.usage.cost', source: 'gen_ai.usage.cost' },
  { key: 'langfuse.observation.cost_details', source: 'langfuse cost_details.total' },
];

/**
 * The cost the span's producer computed, as an exact decimal string. Estate
 * prices usage itself; this one is kept for reconciliation.
 */
export function extractReportedCost(attributes: AttributeReader): ReportedCost | undefined {
  for (const { key, source } of COST_KEYS) {
    const amount = toDecimal(attributes.span[key]);
    if (amount !== undefined) {
      const currency = attributes.spanText('estate.cost.currency') ?? 'USD';
      return { amount, currency: currency.slice(0, 8), source };
    }
  }
  return undefined;
}

function toDecimal(value: AttributeValue | undefined): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return new Decimal(value).toFixed();
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (text.startsWith('{')) return totalFromJson(text);
  try {
    const decimal = new Decimal(text);
    return decimal.isFinite() && !decimal.isNegative() ? decimal.toFixed() : undefined;
  } catch {
    return undefined;
  }
}

/** Langfuse stores cost details as a JSON object with a `total` member. */
function totalFromJson(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return typeof parsed.total === 'number' ? toDecimal(parsed.total) : undefined;
  } catch {
    return undefined;
  }
}
