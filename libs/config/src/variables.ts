/**
 * One environment variable: what it sets, whether its value is a secret (never
 * logged or echoed in errors), its default, and how to parse it. `parse`
 * throws an Error whose message says what a valid value looks like.
 */
export interface VariableSpec<T> {
  description: string;
  sensitive?: boolean;
  default?: string;
  /** When false, an unset variable with no default yields undefined instead of an error. */
  required?: boolean;
  parse(raw: string): T;
}

export function text(description: string, options: Partial<VariableSpec<string>> = {}): VariableSpec<string> {
  return { description, ...options, parse: (raw) => requireNonEmpty(raw) };
}

export function integer(
  description: string,
  options: { default?: string; min?: number; max?: number } = {},
): VariableSpec<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  return {
    description,
    default: options.default,
    parse: (raw) => {
      if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be an integer, got "${raw}"`);
      const value = Number(raw);
      if (value < min || value > max) throw new Error(`must be between ${min} and ${max}, got ${value}`);
      return value;
    },
  };
}

export function port(description: string, defaultPort: number): VariableSpec<number> {
  // 0 asks the OS for a free port, which tests use to run services side by side.
  return integer(description, { default: String(defaultPort), min: 0, max: 65535 });
}

export function boolean(description: string, defaultValue: boolean): VariableSpec<boolean> {
  return {
    description,
    default: String(defaultValue),
    parse: (raw) => {
      const value = raw.trim().toLowerCase();
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      throw new Error(`must be true or false, got "${raw}"`);
    },
  };
}

export function oneOf<T extends string>(description: string, values: readonly T[], defaultValue: T): VariableSpec<T> {
  return {
    description,
    default: defaultValue,
    parse: (raw) => {
      if (!values.includes(raw as T)) throw new Error(`must be one of ${values.join(', ')}, got "${raw}"`);
      return raw as T;
    },
  };
}

/** Comma-separated host:port pairs, as Kafka clients take them. */
export function hostList(description: string, defaultValue?: string): VariableSpec<string[]> {
  return {
    description,
    default: defaultValue,
    parse: (raw) => {
      const hosts = raw.split(',').map((h) => h.trim()).filter(Boolean);
      if (hosts.length === 0) throw new Error('must list at least one host:port');
      for (const host of hosts) {
        if (!/^[^\s:]+:\d{1,5}$/.test(host)) throw new Error(`"${host}" is not host:port`);
      }
      return hosts;
    },
  };
}

export function postgresUrl(description: string, defaultValue?: string): VariableSpec<string> {
  return {
    description,
    default: defaultValue,
    sensitive: true,
    parse: (raw) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new Error('must be a URL such as postgres://user@host:5432/database');
      }
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        throw new Error(`must use the postgres:// scheme, got ${url.protocol}`);
      }
      if (url.pathname.length <= 1) throw new Error('must name a database in the path');
      return raw;
    },
  };
}

function requireNonEmpty(raw: string): string {
  if (raw.trim() === '') throw new Error('must not be empty');
  return raw;
}
