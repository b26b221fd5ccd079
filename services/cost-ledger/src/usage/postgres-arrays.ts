/**
 * Postgres array literals built directly from column values, so a batch of
 * usage rows is sent as one text parameter a column without node-postgres
 * escaping each element through its generic array path.
 */
import type { CostLine } from '@estate/pricing';

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/** Text that JSON and the array literal both carry unescaped: names and decimal numbers. */
const SAFE_JSON_TEXT = /^[A-Za-z0-9_.+-]*$/;

/** Quotes every element, so empty strings, commas, braces and the word NULL stay data. */
export function textArrayLiteral(values: ReadonlyArray<string | null>): string {
  let literal = '{';
  for (let i = 0; i < values.length; i += 1) {
    if (i > 0) literal += ',';
    const value = values[i];
    if (value === null) literal += 'NULL';
    else literal += NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPED, '\\$&')}"` : `"${value}"`;
  }
  return `${literal}}`;
}

/**
 * Writes each row's price breakdown as a JSON array inside an array-literal
 * element, with its quotes already escaped for the literal. The fields are
 * a price class name, a count and two decimal strings, and none of them
 * contains a quote or a backslash. So this skips JSON.stringify and a second
 * escaping pass, which in a profile took about a fifth of Node's work per
 * usage row.
 */
export function costLinesArrayLiteral(rows: ReadonlyArray<readonly CostLine[] | null>): string {
  let literal = '{';
  for (let i = 0; i < rows.length; i += 1) {
    if (i > 0) literal += ',';
    const lines = rows[i];
    if (lines === null) {
      literal += 'NULL';
      continue;
    }
    literal += '"[';
    for (let j = 0; j < lines.length; j += 1) {
      const line = lines[j];
      if (!SAFE_JSON_TEXT.test(line.priceClass) || !SAFE_JSON_TEXT.test(line.unitPrice) || !SAFE_JSON_TEXT.test(line.amount) || !Number.isFinite(line.quantity)) {
        throw new Error(`price line ${JSON.stringify(line)} is invalid: expected a price class name and decimal numbers, which need no escaping in JSON`);
      }
      if (j > 0) literal += ',';
      literal += `{\\"priceClass\\":\\"${line.priceClass}\\",\\"quantity\\":${line.quantity},\\"unitPrice\\":\\"${line.unitPrice}\\",\\"amount\\":\\"${line.amount}\\"}`;
    }
    literal += ']"';
  }
  return `${literal}}`;
}

/** Writes finite numbers as they are; null becomes NULL. */
export function numberArrayLiteral(values: ReadonlyArray<number | null>): string {
  let literal = '{';
  for (let i = 0; i < values.length; i += 1) {
    if (i > 0) literal += ',';
    const value = values[i];
    if (value === null) {
      literal += 'NULL';
      continue;
    }
    if (!Number.isFinite(value)) throw new Error(`${value} cannot be stored in a numeric column; usage counts must be finite numbers`);
    literal += String(value);
  }
  return `${literal}}`;
}

export function booleanArrayLiteral(values: readonly boolean[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i += 1) {
    if (i > 0) literal += ',';
    literal += values[i] ? 't' : 'f';
  }
  return `${literal}}`;
}
