export interface EnvironmentInput {
  /** The environment the request runs in. */
  environment: string;
  /** The environment the principal is registered for, when the inventory records one. */
  principalEnvironment?: string;
  /** The environment the resource lives in, when the inventory records one. */
  resourceEnvironment?: string;
}

/**
 * Returns why the request crosses an environment boundary, or undefined.
 * An agent registered for one environment must not run in another, and
 * non-production agents must not reach production resources.
 */
export function checkEnvironment(input: EnvironmentInput): string | undefined {
  if (input.principalEnvironment && input.principalEnvironment !== input.environment) {
    return `principal is registered for ${input.principalEnvironment} but the request runs in ${input.environment}`;
  }
  if (input.resourceEnvironment === 'prod' && input.environment !== 'prod') {
    return `resource lives in prod but the request runs in ${input.environment}`;
  }
  return undefined;
}
