import { DEFAULT_POLICIES } from './default-bundle';

/** Ids of the runtime checks that decide on their own; exception windows may name them like policy ids. */
export const RUNTIME_CHECK_IDS = ['check:tool-binding', 'check:environment', 'check:secret-in-output'] as const;

const ID_ANNOTATION = /@id\("([^"\\]*)"\)/g;

/**
 * Lists the `@id("...")` annotations of policy text without the engine, so
 * a service that never evaluates policies need not parse them. It skips an
 * id with an escaped quote and a policy without `@id`, whose generated name
 * only the engine assigns, so use it only on text whose ids are plain.
 */
export function annotatedPolicyIds(policyText: string): string[] {
  return [...policyText.matchAll(ID_ANNOTATION)].map((match) => match[1]);
}

/** Policy ids of the default bundle, which every tenant uses until it activates its own. */
export const DEFAULT_POLICY_IDS: readonly string[] = annotatedPolicyIds(DEFAULT_POLICIES);
