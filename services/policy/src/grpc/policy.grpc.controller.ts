import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import { ApiKeyStore } from '@estate/access';
import { validatePlain } from '@estate/contracts';
import { API_KEY_STORE, AppError, AppErrorCode, authenticateHeader, checkRole, Public } from '@estate/service-kit';
import { DecisionPoint } from '../decisions/decision-point';
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

const GRPC_CODE: Record<AppErrorCode, number> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  forbidden: GrpcStatus.PERMISSION_DENIED,
  not_found: GrpcStatus.NOT_FOUND,
  conflict: GrpcStatus.ALREADY_EXISTS,
  version_conflict: GrpcStatus.ABORTED,
  payload_too_large: GrpcStatus.RESOURCE_EXHAUSTED,
  unsupported_media_type: GrpcStatus.INVALID_ARGUMENT,
  unavailable: GrpcStatus.UNAVAILABLE,
  internal: GrpcStatus.INTERNAL,
};

/**
 * gRPC edge of the decision point. The HTTP guard cannot read gRPC
 * metadata, so the route is public to it and authenticates here.
 */
@Controller()
export class PolicyGrpcController {
  constructor(
    private readonly decisionPoint: DecisionPoint,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
  ) {}

  @Public()
  @GrpcMethod('PolicyDecisionService', 'Decide')
  async decide(request: DecideRequest, metadata: Metadata) {
    try {
      const principal = await authenticateHeader(this.keys, metadata.get('authorization')[0]?.toString());
      checkRole(principal, undefined);
      const dto = toDto(request);
      const decision = await this.decisionPoint.decide(principal.tenantId, dto);
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
      if (error instanceof AppError) throw new RpcException({ code: GRPC_CODE[error.code], message: error.message });
      throw error;
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
  const checked = validatePlain(DecisionRequestDto, JSON.parse(JSON.stringify(plain)));
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
