import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Metadata } from '@grpc/grpc-js';
import { ApiKeyStore } from '@estate/access';
import { validatePlain } from '@estate/contracts';
import { API_KEY_STORE, AppError, authenticateCall, Public, SERVICE_LOGGER, toRpcException } from '@estate/service-kit';
import type { Logger } from 'pino';
import { DecisionPoint } from '../decisions/decision-point';
import { acceptDecisionRequest } from '../decisions/decision-request-check';
import { DecisionRequestDto } from '../decisions/decision.dto';

interface GrpcEntityRef {
  type: string;
  id: string;
}

interface DecideRequest {
  principal?: GrpcEntityRef;
  action: string;
  resource?: GrpcEntityRef;
  context?: Record<string, string | string[] | undefined>;
  entities_json?: string;
}

/**
 * gRPC edge of the decision point. The HTTP guard cannot read gRPC
 * metadata, so the route is public to it and authenticates here.
 */
@Controller()
export class PolicyGrpcController {
  constructor(
    private readonly decisionPoint: DecisionPoint,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  @Public()
  @GrpcMethod('PolicyDecisionService', 'Decide')
  async decide(request: DecideRequest, metadata: Metadata) {
    try {
      const principal = await authenticateCall(this.keys, metadata);
      const dto = toDto(request);
      const decision = await this.decisionPoint.decide(principal.tenantId, dto, principal.keyId);
      return {
        decision_id: decision.decisionId,
        outcome: decision.outcome,
        bundle_version: decision.bundleVersion,
        determining_policies: decision.determiningPolicies,
        reasons: decision.reasons,
        obligations: decision.obligations,
        exception_window_ids: decision.exceptionWindowIds,
        grant_approval_id: decision.grantApprovalId ?? '',
        approval_id: decision.approval?.approvalId ?? '',
        cached: decision.cached,
      };
    } catch (error) {
      throw toRpcException(error, this.logger, 'PolicyDecisionService.Decide');
    }
  }
}

/** Maps proto3 defaults (empty strings and lists) to absent fields, then validates like the REST body. */
function toDto(request: DecideRequest): DecisionRequestDto {
  const c = request.context ?? {};
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const list = (value: unknown) => (Array.isArray(value) && value.length > 0 ? (value as string[]) : undefined);
  const plain = {
    principal: request.principal,
    action: request.action,
    resource: request.resource,
    context: {
      environment: c.environment,
      policyClass: text(c.policy_class),
      toolScope: list(c.tool_scope),
      traceId: text(c.trace_id),
      spanId: text(c.span_id),
      prompt: text(c.prompt),
      output: text(c.output),
      retrievedContent: list(c.retrieved_content),
      budgetState: text(c.budget_state),
      toolDefinitionHash: text(c.tool_definition_hash),
      arguments: parseJson(text(c.arguments_json), 'context.arguments_json'),
    },
    entities: parseJson(text(request.entities_json), 'entities_json'),
  };
  // The JSON round trip drops undefined fields, as a REST body would not have them.
  const json: unknown = JSON.parse(JSON.stringify(plain));
  const accepted = acceptDecisionRequest(json);
  if (accepted) return accepted;
  const checked = validatePlain(DecisionRequestDto, json);
  if (!checked.value) {
    const issues = checked.issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    throw new AppError('invalid_argument', `decision request is invalid: ${issues}`);
  }
  return checked.value;
}

function parseJson(raw: string | undefined, field: string): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new AppError('invalid_argument', `${field} is not valid JSON: ${(error as Error).message}`, field);
  }
}
