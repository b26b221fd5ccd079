/** Deepest nesting of arrays and objects a request body may have; class-transformer recurses once per level. */
export const MAX_BODY_DEPTH = 64;

export interface BodyShapeProblem {
  field: string;
  message: string;
}

/**
 * Finds the first part of a parsed JSON body that no service can store or
 * validate: nesting deeper than MAX_BODY_DEPTH, which would overflow the
 * validator's stack, a NUL character in a string or key, which Postgres
 * text and jsonb reject, or an unpaired UTF-16 surrogate, which jsonb
 * rejects. `allowNul` skips both character checks for bodies whose service
 * replaces such characters itself, as trace import does. The walk is
 * iterative, so any depth is safe here.
 */
export function bodyShapeProblem(body: unknown, options: { allowNul?: boolean } = {}): BodyShapeProblem | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (!options.allowNul && value.includes('\u0000')) return { field: path || 'body', message: `${path || 'body'} contains a NUL character (\\u0000), which cannot be stored; remove it` };
      if (!options.allowNul && !isWellFormed(value)) return { field: path || 'body', message: `${path || 'body'} ${UNPAIRED_SURROGATE}` };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { field: path || 'body', message: `${path || 'body'} is nested more than ${MAX_BODY_DEPTH} levels deep; flatten the value` };
    const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
    for (const [key, item] of entries) {
      const itemPath = path ? `${path}.${key}` : key;
      if (!options.allowNul && key.includes('\u0000')) return { field: path || 'body', message: `a key in ${path || 'body'} contains a NUL character (\\u0000), which cannot be stored; remove it` };
      if (!options.allowNul && !isWellFormed(key)) return { field: path || 'body', message: `a key in ${path || 'body'} ${UNPAIRED_SURROGATE}` };
      stack.push({ value: item, path: itemPath, depth: depth + 1 });
    }
  }
  return undefined;
}

const UNPAIRED_SURROGATE = 'contains an unpaired UTF-16 surrogate (such as \\ud800 alone), which is not valid Unicode and cannot be stored; send valid Unicode text';

/** Tells whether the string has no unpaired UTF-16 surrogate, through Node 20's String.prototype.isWellFormed, which the ES2022 typings lack. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}
