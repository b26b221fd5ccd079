import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@estate/access';
import { ApprovalPath, ApprovalScope } from '@estate/contracts';
import { AppError, CurrentPrincipal } from '@estate/service-kit';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { APPROVAL_STATES } from './approval-state';
import { ApprovalService } from './approval.service';
import { waitForDecision } from './approval-wait';
import { APPROVAL_PATH_PROPERTY, APPROVAL_SCOPE_PROPERTY } from '../openapi-schemas';

/** Hex SHA-256 as the decision point computes it, or empty where the contract allows it. */
const SHA256_OR_EMPTY = /^([0-9a-f]{64})?$/;

/**
 * ApprovalScope as a caller states it: the hashes must have the form the
 * decision point computes, or the grant could never match a call.
 */
export class ApprovalScopeInput extends ApprovalScope {
  @Matches(SHA256_OR_EMPTY, { message: 'toolDefinitionHash must be a lowercase hex SHA-256 (64 characters), or empty when the action is not a tool call' })
  declare toolDefinitionHash: string;

  @Matches(SHA256_OR_EMPTY, { message: 'argumentsHash must be a lowercase hex SHA-256 (64 characters) of the canonical JSON arguments, as the decision response returns it, or empty for a call without arguments' })
  declare argumentsHash: string;
}

export class RequestApprovalBody {
  @ApiProperty(APPROVAL_SCOPE_PROPERTY) @IsObject() @ValidateNested() @Type(() => ApprovalScopeInput) scope!: ApprovalScopeInput;
  @ApiProperty(APPROVAL_PATH_PROPERTY) @IsObject() @ValidateNested() @Type(() => ApprovalPath) path!: ApprovalPath;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the approvers see of the request' })
  @IsObject() contextSnapshot!: Record<string, unknown>;
  @ApiProperty({ type: [String] }) @IsArray() @IsString({ each: true }) reasons!: string[];
  @ApiProperty({ minimum: 60, maximum: 7 * 86400 }) @IsInt() @Min(60) @Max(7 * 86400) expiresInSeconds!: number;
  @ApiPropertyOptional({ pattern: '^[0-9a-f]{32}$' }) @IsOptional() @Matches(/^[0-9a-f]{32}$/) traceId?: string;
  @ApiPropertyOptional({ pattern: '^[0-9a-f]{16}$' }) @IsOptional() @Matches(/^[0-9a-f]{16}$/) spanId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() decisionId?: string;
}

/** Query of GET /v1/approvals; an unknown parameter is rejected rather than ignored. */
export class ListApprovalsQuery {
  @ApiPropertyOptional({ enum: APPROVAL_STATES }) @IsOptional() @IsString() state?: string;
}

/** Query of GET /v1/approvals/{id}/wait. */
export class WaitQuery {
  @ApiPropertyOptional({ default: 25 }) @IsOptional() @IsString() timeoutSeconds?: string;
}

export class ApproveBody {
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) comment?: string;
  /** The approver's name, recorded with the vote; defaults to the API key id. */
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) approver?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 86400, default: 3600 }) @IsOptional() @IsInt() @Min(1) @Max(86400) grantValidSeconds?: number;
}

export class DenyBody {
  @ApiProperty({ maxLength: 2000 }) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) approver?: string;
}

@ApiTags('approvals')
@ApiBearerAuth()
@Controller('v1/approvals')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalService) {}

  @Post()
  request(@CurrentPrincipal() principal: Principal, @Body() body: RequestApprovalBody) {
    return this.approvals.create(principal.tenantId, body, principal);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() { state }: ListApprovalsQuery) {
    if (state !== undefined && !(APPROVAL_STATES as readonly string[]).includes(state)) {
      throw new AppError('invalid_argument', `state must be one of ${APPROVAL_STATES.join(', ')}`, 'state');
    }
    return this.approvals.list(principal.tenantId, state).then((approvals) => ({ approvals }));
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.approvals.get(principal.tenantId, id);
  }

  /** Long-polls until the approval is decided or `timeoutSeconds` (default 25) pass; see waitForDecision. */
  @Get(':id/wait')
  wait(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() { timeoutSeconds: timeout }: WaitQuery) {
    return waitForDecision(this.approvals, principal.tenantId, id, timeout === undefined ? 25 : Number(timeout));
  }

  @Post(':id/approve')
  @HttpCode(200)
  approve(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: ApproveBody) {
    return this.approvals.approve(principal.tenantId, id, { ...principal, name: body.approver }, body.comment, body.grantValidSeconds ?? 3600);
  }

  @Post(':id/deny')
  @HttpCode(200)
  deny(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: DenyBody) {
    return this.approvals.deny(principal.tenantId, id, { ...principal, name: body.approver }, body.reason);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: DenyBody) {
    return this.approvals.cancel(principal.tenantId, id, `${principal.role}:${principal.keyId}`, body.reason);
  }
}

