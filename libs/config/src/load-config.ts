import { VariableSpec } from './variables';

export type ConfigSchema = Record<string, VariableSpec<unknown>>;

export type ConfigOf<S extends ConfigSchema> = {
  [K in keyof S]: S[K] extends VariableSpec<infer T> ? (S[K]['required'] extends false ? T | undefined : T) : never;
};

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Every invalid or missing variable of one start, reported together. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${service}: ${problems.length} invalid configuration variable(s):\n` +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n') +
        '\nSet them in the environment and start again; see the README for each variable.',
    );
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates every variable in `schema` from `env` once. Values of
 * sensitive variables never appear in error messages.
 */
export function loadConfig<S extends ConfigSchema>(
  service: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): ConfigOf<S> {
  const problems: ConfigProblem[] = [];
  const values: Record<string, unknown> = {};

  for (const [variable, spec] of Object.entries(schema)) {
    const raw = env[variable] ?? spec.default;
    if (raw === undefined) {
      if (spec.required === false) continue;
      problems.push({ variable, message: `is missing (${spec.description})` });
      continue;
    }
    try {
      values[variable] = spec.parse(raw);
    } catch (error) {
      const detail = spec.sensitive ? 'has an invalid value (hidden because it is sensitive)' : (error as Error).message;
      problems.push({ variable, message: spec.sensitive ? `${detail}: ${(error as Error).message.replace(raw, '***')}` : detail });
    }
  }

  if (problems.length > 0) throw new ConfigError(service, problems);
  return values as ConfigOf<S>;
}

/** Lists the schema for docs and for the compose-file consistency check. */
export function describeConfig(schema: ConfigSchema): Array<{ variable: string; description: string; default?: string; sensitive: boolean }> {
  return Object.entries(schema).map(([variable, spec]) => ({
    variable,
    description: spec.description,
    default: spec.sensitive ? undefined : spec.default,
    sensitive: spec.sensitive ?? false,
  }));
}

/** Loads the config or, on any problem, prints every problem to stderr and exits with status 1. */
export function loadConfigOrExit<S extends ConfigSchema>(service: string, schema: S, env: Record<string, string | undefined> = process.env): ConfigOf<S> {
  try {
    return loadConfig(service, schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
