import { createHash } from 'node:crypto';
import { CedarContext, cedar, EntityJson } from './cedar';
import { ParsedBundle, PolicyMeta } from './bundle';

export interface EntityUid {
  type: string;
  id: string;
}

/** One authorization request as the engine sees it: the entity slice it needs and a complete context. */
export interface EngineRequest {
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  context: CedarContext;
  entities: EntityJson[];
}

export interface Evaluation {
  decision: 'allow' | 'deny';
  /** Satisfied policies that produced the decision: permits on allow, forbids on deny. */
  determining: string[];
  /** Policies that failed to evaluate; the decision point treats an erroring forbid as satisfied. */
  errors: Array<{ policyId: string; message: string }>;
}

/** A bundle parsed once into the engine, ready for `statefulIsAuthorized`. */
export interface LoadedBundle {
  version: string;
  schemaName: string;
  policySetId: string;
  meta: Map<string, PolicyMeta>;
  policies: Record<string, string>;
}

export class EngineRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineRequestError';
  }
}

/**
 * Wraps the Cedar engine. Schemas and policy sets are parsed once into the
 * engine's own cache (keyed by content hash, so a second load is free);
 * each decision crosses the WebAssembly boundary once, with one request value.
 */
export class PolicyEngine {
  private readonly loadedSets = new Set<string>();
  private readonly loadedSchemas = new Set<string>();

  load(version: string, bundle: ParsedBundle, schemaText: string): LoadedBundle {
    const schemaName = `schema:${sha256(schemaText)}`;
    if (!this.loadedSchemas.has(schemaName)) {
      const answer = cedar.preparseSchema(schemaName, schemaText);
      if (answer.type === 'failure') throw new Error(`schema failed to load: ${answer.errors.map((e) => e.message).join('; ')}`);
      this.loadedSchemas.add(schemaName);
    }
    const policySetId = this.preparse(bundle.policies);
    return { version, schemaName, policySetId, meta: bundle.meta, policies: bundle.policies };
  }

  /**
   * Evaluates the request. `excluded` names policies to leave out, which the
   * decision point uses to learn what would hold without an exempted or
   * approval-gated forbid; each distinct exclusion is parsed once and kept.
   */
  authorize(bundle: LoadedBundle, request: EngineRequest, excluded: readonly string[] = []): Evaluation {
    const policySetId = excluded.length === 0 ? bundle.policySetId : this.preparse(without(bundle.policies, excluded));
    const answer = cedar.statefulIsAuthorized({
      principal: request.principal,
      action: request.action,
      resource: request.resource,
      context: request.context,
      entities: request.entities,
      preparsedPolicySetId: policySetId,
      preparsedSchemaName: bundle.schemaName,
      validateRequest: true,
    });
    if (answer.type === 'failure') {
      throw new EngineRequestError(answer.errors.map((e) => e.message).join('; '));
    }
    const { decision, diagnostics } = answer.response;
    return {
      decision,
      determining: diagnostics.reason,
      errors: diagnostics.errors.map((e) => ({ policyId: e.policyId, message: e.error.message })),
    };
  }

  private preparse(policies: Record<string, string>): string {
    const id = `policies:${sha256(JSON.stringify(policies))}`;
    if (this.loadedSets.has(id)) return id;
    const answer = cedar.preparsePolicySet(id, { staticPolicies: policies });
    if (answer.type === 'failure') throw new Error(`policy set failed to load: ${answer.errors.map((e) => e.message).join('; ')}`);
    this.loadedSets.add(id);
    return id;
  }
}

function without(policies: Record<string, string>, excluded: readonly string[]): Record<string, string> {
  const skip = new Set(excluded);
  return Object.fromEntries(Object.entries(policies).filter(([id]) => !skip.has(id)));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
