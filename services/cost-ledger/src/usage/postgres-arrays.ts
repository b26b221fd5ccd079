/**
 * Postgres array literals built directly from column values, so a batch of
 * usage rows is sent as one text parameter a column without node-postgres
 * escaping each element through its generic array path.
 */
const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

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
