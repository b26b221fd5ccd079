import { hash } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import {
  ApprovalScope,
  createEnvelope,
  encodeEvent,
  EventEnvelope,
  systemClock,
  DecisionOutcome,
  Obligation,
  PolicyDecisionRecorded,
  PolicyDecisionRecordedV1,
  RequestedApproval,
} from '@estate/contracts';
import { EventPublisher, KafkaBus } from '@estate/kafka';
import {
  BaseAction,
  canonicalHash,
  CheckResult,
  DecisionCache,
  EngineRequestError,
  EntityJson,
  EntityUid,
  grantPathSatisfies,
  resolveOutcome,
  ResolvedOutcome,
  runRuntimeChecks,
  toolActionId,
  typedArguments,
} from '@estate/policy-engine';
import { AppError, EVENT_PUBLISHER, KAFKA_BUS, PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { budgetStateFor } from '../budgets/budget-match';
import { BudgetStateCache } from '../budgets/budget-state-cache';
import { ActiveBundle, BundleRegistry } from '../bundles/bundle-registry';
import { decisionSettingsFrom, DecisionSettings } from '../config';
import { EntityCache } from '../entities/entity-cache';
import { ExemptionStore } from '../exemptions/exemption-store';
import { ExemptionsProjection, grantScopeKey } from '../exemptions/exemptions.projection';
import { DecisionRequestDto } from './decision.dto';
import { newDecisionId } from './decision-id';
import { DecisionRecorder } from './decision-recorder';
import { maskContext } from './masking';
import { countDecision } from './metrics';

export interface DecisionResponse {
  decisionId: string;
  outcome: DecisionOutcome;
  bundleVersion: string;
  determiningPolicies: string[];
  reasons: string[];
  obligations: Obligation[];
  exceptionWindowIds: string[];
  grantApprovalId?: string;
  approval?: RequestedApproval;
  traceId?: string;
  spanId?: string;
  cached: boolean;
}

/** What a cached decision keeps: everything but the ids of one request. */
type CachedDecision = Omit<DecisionResponse, 'decisionId' | 'traceId' | 'spanId' | 'cached' | 'approval'> & {
  approvalSpec?: Omit<RequestedApproval, 'approvalId'>;
};

/**
 * The policy decision point: runtime checks, then the Cedar engine on the
 * tenant's active bundle, then exception windows and grants. Every answer is
 * recorded as a `policy.decision.recorded` event linked to its trace and span.
 */
@Injectable()
export class DecisionPoint implements BeforeApplicationShutdown {
  private readonly settings: DecisionSettings;
  private readonly cache: DecisionCache<CachedDecision>;
  private readonly recorder: DecisionRecorder;
  private readonly exemptions: ExemptionStore;
  private readonly projection?: ExemptionsProjection;

  constructor(
    private readonly bundles: BundleRegistry,
    private readonly entities: EntityCache,
    private readonly budgets: BudgetStateCache,
    @Inject(PG_POOL) pool: Pool,
    @Inject(EVENT_PUBLISHER) publisher: EventPublisher,
    @Inject(KAFKA_BUS) bus: KafkaBus,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.settings = decisionSettingsFrom(options.config as unknown as Record<string, unknown>);
    this.cache = new DecisionCache(this.settings.cacheSize);
    const recordPublisher = this.settings.decisionsTopic === PolicyDecisionRecordedV1.topic ? publisher : publisherTo(bus, this.settings.decisionsTopic);
    this.recorder = new DecisionRecorder(recordPublisher, this.settings.recordQueueMax, logger);
    this.exemptions = new ExemptionStore(pool, options.schema);
    this.projection = options.projections?.find((p): p is ExemptionsProjection => p instanceof ExemptionsProjection);
  }

  /** Decides one request; `callerKeyId` is the API key that asked, recorded so it cannot decide the approval it may trigger. */
  async decide(tenantId: string, request: DecisionRequestDto, callerKeyId?: string): Promise<DecisionResponse> {
    const bundle = await this.bundles.activeBundle(tenantId);
    const failClosed = this.settings.failClosedActions.includes(request.action);
    const evaluated = await this.evaluate(tenantId, bundle, request);
    const reserved = await this.recorder.reserve(failClosed);
    const result: CachedDecision = reserved
      ? evaluated.decision
      : {
          ...evaluated.decision,
          outcome: 'deny',
          determiningPolicies: ['recording:saturated'],
          reasons: ['the decision log is saturated and this action fails closed; retry shortly'],
          obligations: [],
          approvalSpec: undefined,
        };

    const decisionId = newDecisionId();
    const { traceId, spanId } = request.context;
    const approval = result.approvalSpec ? { ...result.approvalSpec, approvalId: `apr-${decisionId}` } : undefined;
    const response: DecisionResponse = {
      decisionId, ...withoutSpec(result), approval, traceId, spanId, cached: evaluated.cached,
    };
    this.recorder.record(() => this.recordEnvelope(tenantId, request, response, evaluated.checks, callerKeyId));
    countDecision(response.outcome, evaluated.cached);
    return response;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.recorder.drain();
  }

  private async evaluate(tenantId: string, bundle: ActiveBundle, request: DecisionRequestDto) {
    const principal: EntityUid = request.principal;
    const resource: EntityUid = request.resource;
    const toolName = request.action === 'invoke_tool' ? resource.id : undefined;
    const tool = toolName ? bundle.tools.get(toolName) : undefined;
    const actionId = tool ? toolActionId(tool.name) : request.action;

    const slice = await this.entities.slice(tenantId, [principal, resource], (request.entities ?? []) as unknown as EntityJson[]);
    const principalAttrs = attrsOf(slice.entities, principal);
    const resourceAttrs = attrsOf(slice.entities, resource);
    const ctx = request.context;
    const { policyClass, classNotes } = policyClassOf(principalAttrs.policyClass as string | undefined, ctx.policyClass);
    const cachedBudgetState = budgetStateFor(await this.budgets.states(tenantId), {
      agent: principal.type === 'Agent' ? principal.id : undefined,
      environment: ctx.environment,
      team: principalAttrs.owner as string | undefined,
      policyClass,
      modelRoute: request.action === 'call_model' ? resource.id : undefined,
      provider: resourceAttrs.provider as string | undefined,
    });
    const checks = runRuntimeChecks({
      action: request.action,
      toolName,
      environment: ctx.environment,
      prompt: ctx.prompt,
      output: ctx.output,
      retrievedContent: ctx.retrievedContent,
      budgetState: ctx.budgetState,
      cachedBudgetState,
      agentToolScope: (principalAttrs.toolScope as string[] | undefined) ?? ctx.toolScope,
      pinnedDefinitionHash: resourceAttrs.definitionHash as string | undefined,
      observedDefinitionHash: ctx.toolDefinitionHash,
      definitionDrifted: resourceAttrs.definitionDrifted === true,
      principalEnvironment: principalAttrs.environment as string | undefined,
      resourceEnvironment: resourceAttrs.environment as string | undefined,
      customerFacingChannel: request.action === 'send_output' && resourceAttrs.customerFacing === true,
      maxOutputLength: this.settings.maxOutputLength,
    });
    const cedarContext: Record<string, unknown> = {
      environment: ctx.environment,
      policyClass,
      ...checks.context,
    };
    if (tool) cedarContext.arguments = typedArguments(tool.inputSchema ?? { type: 'object' }, ctx.arguments ?? {});
    const argumentsHash = ctx.arguments ? canonicalHash(ctx.arguments) : '';

    const cacheKey = decisionCacheKey([
      tenantId, bundle.version, principal.type, principal.id, actionId, resource.type, resource.id,
      ctx.environment, policyClass, checks.context, argumentsHash, ctx.toolDefinitionHash ?? '',
      checks.verdicts, checks.notes, classNotes, slice.versions, this.projection?.epoch(tenantId) ?? 0,
    ]);
    const now = Date.now();
    const hit = this.cache.get(cacheKey, now);
    if (hit) return { decision: hit, cached: true, checks };

    const engineRequest = {
      principal, resource, action: { type: 'Action', id: actionId }, context: cedarContext as never, entities: slice.entities,
    };
    const scope: ApprovalScope = {
      principal, action: actionId, resource, toolDefinitionHash: ctx.toolDefinitionHash ?? '', argumentsHash, bundleVersion: bundle.version,
    };
    let resolved: ResolvedOutcome;
    let validUntil = now + this.settings.cacheTtlMs;
    try {
      const first = this.bundles.engine.authorize(bundle.loaded, engineRequest);
      resolved = await resolveOutcome(first, checks.verdicts, bundle.loaded.meta, {
        openWindows: async () => {
          const windows = await this.exemptions.openWindows({ tenantId, principal, resource, environment: ctx.environment });
          for (const w of windows) validUntil = Math.min(validUntil, w.endsAt.getTime());
          return windows;
        },
        findGrant: async (required) => {
          const grants = await this.exemptions.findGrants(tenantId, grantScopeKey(scope));
          const grant = grants.find((g) => grantPathSatisfies(g.path, required));
          for (const weaker of grants.filter((g) => g !== grant)) {
            this.logger.warn({ tenantId, approvalId: weaker.approvalId, grantPath: weaker.path, required }, 'grant ignored: its approval path is weaker than the policy gates');
          }
          if (grant) validUntil = Math.min(validUntil, grant.expiresAt.getTime());
          return grant?.approvalId;
        },
        reevaluate: (excluded) => this.bundles.engine.authorize(bundle.loaded, engineRequest, excluded),
      });
    } catch (error) {
      if (error instanceof EngineRequestError) {
        throw new AppError('invalid_argument', `the request does not match the policy schema: ${error.message}`, schemaErrorField(error.message, request));
      }
      throw error;
    }

    const decision: CachedDecision = {
      outcome: resolved.outcome,
      bundleVersion: bundle.version,
      determiningPolicies: resolved.determining,
      reasons: [...resolved.reasons, ...checks.notes, ...classNotes],
      obligations: obligationsFor(resolved, checks),
      exceptionWindowIds: resolved.exceptionWindowIds,
      grantApprovalId: resolved.grantApprovalId,
      approvalSpec: resolved.approvalPath
        ? {
            path: { roles: resolved.approvalPath.roles, required: resolved.approvalPath.required },
            scope,
            expiresInSeconds: resolved.approvalPath.expiresInSeconds,
          }
        : undefined,
    };
    this.cache.set(cacheKey, decision, validUntil);
    return { decision, cached: false, checks };
  }

  private recordEnvelope(tenantId: string, request: DecisionRequestDto, response: DecisionResponse, checks: CheckResult, callerKeyId: string | undefined) {
    const payload: PolicyDecisionRecorded = {
      decisionId: response.decisionId,
      traceId: response.traceId,
      spanId: response.spanId,
      principal: request.principal,
      action: request.action,
      resource: request.resource,
      context: maskContext(request.context, checks),
      outcome: response.outcome,
      bundleVersion: response.bundleVersion,
      determiningPolicies: response.determiningPolicies,
      reasons: response.reasons.slice(0, 100),
      obligations: response.obligations,
      exceptionWindowIds: response.exceptionWindowIds,
      grantApprovalId: response.grantApprovalId,
      approval: response.approval,
      decidedAt: new Date().toISOString(),
      requestedByKeyId: callerKeyId,
    };
    // One event records one decision, so the decision id doubles as the event id and no second UUID is drawn.
    return createEnvelope(
      {
        type: PolicyDecisionRecordedV1.type,
        schemaVersion: PolicyDecisionRecordedV1.version,
        tenantId,
        producer: this.options.name,
        key: PolicyDecisionRecordedV1.partitionKey(payload),
        correlationId: response.traceId,
        payload,
      },
      systemClock,
      () => response.decisionId,
    );
  }
}

/** Publishes like EventPublisher, validated against the contract, but to `topic` instead of the contract's topic. */
function publisherTo(bus: KafkaBus, topic: string): Pick<EventPublisher, 'publish'> {
  return { publish: (envelopes: EventEnvelope[]) => bus.send(envelopes.map((envelope) => ({ ...encodeEvent(envelope), topic }))) };
}

/**
 * Hashes everything that can change a decision into the cache key. The
 * parts are a fixed-order array of values this class builds itself, so
 * plain JSON is deterministic without canonicalising. The typed arguments
 * Cedar evaluates are left out: they follow from the argument hash and the tool
 * schema, which the bundle version fixes.
 */
function decisionCacheKey(parts: unknown[]): string {
  return hash('sha256', JSON.stringify(parts));
}

/**
 * Points a schema error at what the caller sent: Cedar names an entity
 * attribute as "attribute `x` on `Type::\"id\"`", which maps to
 * `entities[i].attrs.x` when the request carried that entity. A principal
 * or resource type the action does not apply to points at its `type`. Other
 * entity errors point at `entities`, the rest at `context`.
 */
export function schemaErrorField(message: string, request: Pick<DecisionRequestDto, 'entities'>): string {
  const named = /attribute `([^`]+)` on `([A-Za-z_][\w:]*)::"((?:[^"\\]|\\.)*)"`/.exec(message);
  if (named) {
    const [, attribute, type, id] = named;
    const index = (request.entities ?? []).findIndex((e) => e.uid?.type === type && e.uid?.id === id);
    if (index >= 0) return `entities[${index}].attrs.${attribute}`;
  }
  const party = /^(principal|resource) type `[^`]*` is not valid for/.exec(message);
  if (party) return `${party[1]}.type`;
  return /\bentit(y|ies)\b/.test(message) ? 'entities' : 'context';
}

/**
 * Picks the policy class that judges the principal. The registered class
 * (inventory or PUT /v1/entities) always wins, so a caller cannot choose a
 * laxer rule set. The caller's value fills in only when none is registered,
 * and a conflicting one is noted in the decision's reasons.
 */
function policyClassOf(registered: string | undefined, stated: string | undefined): { policyClass: string; classNotes: string[] } {
  if (registered === undefined) return { policyClass: stated ?? 'unclassified', classNotes: [] };
  if (stated === undefined || stated === registered) return { policyClass: registered, classNotes: [] };
  return {
    policyClass: registered,
    classNotes: [`context.policyClass "${stated}" ignored: the principal is registered as "${registered}"`],
  };
}

function withoutSpec(decision: CachedDecision): Omit<CachedDecision, 'approvalSpec'> {
  const { approvalSpec: _unused, ...rest } = decision;
  return rest;
}

function attrsOf(entities: EntityJson[], uid: EntityUid): Record<string, unknown> {
  const entity = entities.find((e) => (e.uid as EntityUid).type === uid.type && (e.uid as EntityUid).id === uid.id);
  return (entity?.attrs ?? {}) as Record<string, unknown>;
}

/** A permit with `@obligation("redact")` asks for the PII the checks found to be redacted before use. */
function obligationsFor(resolved: ResolvedOutcome, checks: CheckResult): Obligation[] {
  if (resolved.outcome !== 'allow' || resolved.obligationPolicies.length === 0) return [];
  const fields = [checks.findings.output.length > 0 ? 'output' : undefined, checks.findings.prompt.length > 0 ? 'prompt' : undefined].filter(
    (f): f is string => f !== undefined,
  );
  if (checks.context.piiKinds.length === 0) return [];
  return [{ type: 'redact', fields, kinds: checks.context.piiKinds }];
}

export type { BaseAction };
