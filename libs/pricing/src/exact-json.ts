/**
 * A JSON number kept as the literal text it was written with, so a price such
 * as `2.5e-06` reaches decimal arithmetic without a detour through a binary
 * double (where it would become 2.50000000000000010...e-06).
 */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type ExactJson = null | boolean | string | JsonNumber | ExactJson[] | { [key: string]: ExactJson };

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at character ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * Parses RFC 8259 JSON text, returning numbers as JsonNumber. A duplicate
 * object key keeps its last value, as JSON.parse does (the LiteLLM catalog
 * contains duplicate keys).
 */
export function parseExactJson(text: string): ExactJson {
  let at = 0;

  const skipWhitespace = (): void => {
    WHITESPACE.lastIndex = at;
    WHITESPACE.exec(text);
    at = WHITESPACE.lastIndex;
  };

  const expect = (char: string): void => {
    if (text[at] !== char) throw new JsonSyntaxError(`expected "${char}" but found ${describe(text[at])}`, at);
    at += 1;
  };

  const parseString = (): string => {
    const start = at;
    expect('"');
    // Strings are rare relative to the file size; JSON.parse handles escapes exactly.
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    expect('"');
    return JSON.parse(text.slice(start, at)) as string;
  };

  const parseValue = (): ExactJson => {
    skipWhitespace();
    const char = text[at];
    if (char === '{') return parseObject();
    if (char === '[') return parseArray();
    if (char === '"') return parseString();
    for (const [literal, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(literal, at)) {
        at += literal.length;
        return value;
      }
    }
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (!match) throw new JsonSyntaxError(`unexpected ${describe(char)}`, at);
    at = NUMBER.lastIndex;
    return new JsonNumber(match[0]);
  };

  const parseArray = (): ExactJson[] => {
    expect('[');
    const items: ExactJson[] = [];
    skipWhitespace();
    if (text[at] === ']') {
      at += 1;
      return items;
    }
    for (;;) {
      items.push(parseValue());
      skipWhitespace();
      if (text[at] === ']') {
        at += 1;
        return items;
      }
      expect(',');
    }
  };

  const parseObject = (): { [key: string]: ExactJson } => {
    expect('{');
    // No prototype, so a key named "__proto__" is stored as data.
    const object: { [key: string]: ExactJson } = Object.create(null);
    skipWhitespace();
    if (text[at] === '}') {
      at += 1;
      return object;
    }
    for (;;) {
      skipWhitespace();
      const key = parseString();
      skipWhitespace();
      expect(':');
      object[key] = parseValue();
      skipWhitespace();
      if (text[at] === '}') {
        at += 1;
        return object;
      }
      expect(',');
    }
  };

  const value = parseValue();
  skipWhitespace();
  if (at !== text.length) throw new JsonSyntaxError('unexpected text after the JSON value', at);
  return value;
}

function describe(char: string | undefined): string {
  return char === undefined ? 'end of input' : JSON.stringify(char);
}
