import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Metadata } from '@grpc/grpc-js';
import type { Principal } from '@estate/access';
import { ApiKeyStore } from '@estate/access';
import { API_KEY_STORE, AppError, authenticateCall, Public, SERVICE_LOGGER, toRpcException } from '@estate/service-kit';
import type { Logger } from 'pino';
import { ApprovalService } from '../approvals/approval.service';
import { waitForDecision } from '../approvals/approval-wait';
import { ApproveBody, DenyBody } from '../approvals/approvals.controller';
import { checkedLikeRest, CreateApprovalMessage, toApprovalMessage, toRequestBody } from './approval-messages';

const DEFAULT_GRANT_SECONDS = 3600;

/**
 * gRPC edge of the approvals service. Each method authenticates from the
 * `authorization` metadata because the HTTP guard cannot read it, then runs
 * the same service call as the REST route, so both edges decide alike.
 */
@Controller()
export class ApprovalsGrpcController {
  constructor(
    private readonly approvals: ApprovalService,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  @Public()
  @GrpcMethod('ApprovalService', 'CreateApproval')
  create(request: CreateApprovalMessage, metadata: Metadata) {
    return this.run('CreateApproval', metadata, (principal) =>
      this.approvals.create(principal.tenantId, toRequestBody(request), principal),
    );
  }

  @Public()
  @GrpcMethod('ApprovalService', 'GetApproval')
  get(request: { approval_id?: string }, metadata: Metadata) {
    return this.run('GetApproval', metadata, (principal) => this.approvals.get(principal.tenantId, requiredId(request.approval_id)));
  }

  @Public()
  @GrpcMethod('ApprovalService', 'Approve')
  approve(request: { approval_id?: string; approver?: string; comment?: string; grant_valid_seconds?: number }, metadata: Metadata) {
    return this.run('Approve', metadata, (principal) => {
      const vote = checkedLikeRest(ApproveBody, { approver: request.approver || undefined, comment: request.comment || undefined, grantValidSeconds: request.grant_valid_seconds || undefined }, 'approval');
      return this.approvals.approve(
        principal.tenantId,
        requiredId(request.approval_id),
        { ...principal, name: vote.approver },
        vote.comment,
        vote.grantValidSeconds ?? DEFAULT_GRANT_SECONDS,
      );
    });
  }

  @Public()
  @GrpcMethod('ApprovalService', 'Deny')
  deny(request: { approval_id?: string; reason?: string; approver?: string }, metadata: Metadata) {
    return this.run('Deny', metadata, (principal) => {
      if (!request.reason) throw new AppError('invalid_argument', 'reason is required when denying an approval', 'reason');
      const vote = checkedLikeRest(DenyBody, { reason: request.reason, approver: request.approver || undefined }, 'denial');
      return this.approvals.deny(principal.tenantId, requiredId(request.approval_id), { ...principal, name: vote.approver }, vote.reason);
    });
  }

  @Public()
  @GrpcMethod('ApprovalService', 'WaitApproval')
  wait(request: { approval_id?: string; timeout_seconds?: number }, metadata: Metadata) {
    return this.run('WaitApproval', metadata, (principal) =>
      waitForDecision(this.approvals, principal.tenantId, requiredId(request.approval_id), request.timeout_seconds ?? 0),
    );
  }

  private async run(method: string, metadata: Metadata, work: (principal: Principal) => Promise<Parameters<typeof toApprovalMessage>[0]>) {
    try {
      const principal = await authenticateCall(this.keys, metadata);
      return toApprovalMessage(await work(principal));
    } catch (error) {
      throw toRpcException(error, this.logger, `ApprovalService.${method}`);
    }
  }
}

function requiredId(approvalId: string | undefined): string {
  if (!approvalId) throw new AppError('invalid_argument', 'approval_id is required', 'approval_id');
  return approvalId;
}
