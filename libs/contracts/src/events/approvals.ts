import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';
import { ApprovalPath, ApprovalScope, PolicyEntityRef } from './policy';

/** Fields every approval event carries, so the trace view can place it without a lookup. */
export class ApprovalEventBase {
  @IsString() @IsNotEmpty() approvalId!: string;
  /** The approval's version after this event; events of one approval are numbered 1, 2, ... */
  @IsInt() @Min(1) version!: number;
  @IsOptional() @IsString() traceId?: string;
  @IsOptional() @IsString() spanId?: string;
  @IsOptional() @IsString() decisionId?: string;
}

export class ApprovalRequested extends ApprovalEventBase {
  @IsObject() @ValidateNested() @Type(() => ApprovalScope) scope!: ApprovalScope;
  @IsObject() @ValidateNested() @Type(() => ApprovalPath) path!: ApprovalPath;
  /** The masked context the approver sees. */
  @IsObject() contextSnapshot!: Record<string, unknown>;
  @IsArray() @IsString({ each: true }) reasons!: string[];
  @IsString() @IsNotEmpty() requestedBy!: string;
  @IsISO8601({ strict: true }) expiresAt!: string;
}

export class ApprovalGranted extends ApprovalEventBase {
  @IsObject() @ValidateNested() @Type(() => ApprovalScope) scope!: ApprovalScope;
  /** Distinct approvers whose votes reached the quorum, as `role:keyId` or a named user. */
  @IsArray() @ArrayMinSize(1) @IsString({ each: true }) approvers!: string[];
  /** The grant is honoured until this time, for exactly the scope it names. */
  @IsISO8601({ strict: true }) grantExpiresAt!: string;
  @IsOptional() @IsString() @MaxLength(2000) comment?: string;
}

export class ApprovalDenied extends ApprovalEventBase {
  @IsString() @IsNotEmpty() deniedBy!: string;
  @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

export class ApprovalCancelled extends ApprovalEventBase {
  @IsString() @IsNotEmpty() cancelledBy!: string;
  @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

export class ApprovalExpired extends ApprovalEventBase {
  @IsISO8601({ strict: true }) expiredAt!: string;
}

/** Where an exception window applies; an absent field matches every value. */
export class ExceptionScope {
  @IsOptional() @ValidateNested() @Type(() => PolicyEntityRef) principal?: PolicyEntityRef;
  @IsOptional() @ValidateNested() @Type(() => PolicyEntityRef) resource?: PolicyEntityRef;
  @IsOptional() @IsString() @IsNotEmpty() environment?: string;
}

export class ExceptionWindowOpened {
  @IsString() @IsNotEmpty() windowId!: string;
  @IsInt() @Min(1) version!: number;
  /** Policy ids (or runtime check ids such as `check:prompt-injection`) the window exempts from. */
  @IsArray() @ArrayMinSize(1) @IsString({ each: true }) policyIds!: string[];
  @IsObject() @ValidateNested() @Type(() => ExceptionScope) scope!: ExceptionScope;
  @IsString() @IsNotEmpty() @MaxLength(200) owner!: string;
  @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
  @IsISO8601({ strict: true }) startsAt!: string;
  @IsISO8601({ strict: true }) endsAt!: string;
  @IsString() @IsNotEmpty() openedBy!: string;
}

export class ExceptionWindowClosed {
  @IsString() @IsNotEmpty() windowId!: string;
  @IsInt() @Min(1) version!: number;
  @IsString() @IsNotEmpty() closedBy!: string;
  @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

export class ExceptionWindowExpired {
  @IsString() @IsNotEmpty() windowId!: string;
  @IsInt() @Min(1) version!: number;
  @IsISO8601({ strict: true }) endedAt!: string;
}

const approvalKey = (p: { approvalId: string }) => p.approvalId;
const windowKey = (p: { windowId: string }) => p.windowId;

// Tests write to per-run copies (`<topic>.<suffix>`) so they never replay shared history.
const perRunApprovalsCopy = (topic: string) => topic.startsWith(`${Topics.approvalEvents}.`);

export const ApprovalRequestedV1 = defineEvent({
  type: 'approval.requested',
  version: 1,
  topic: Topics.approvalEvents,
  acceptsTopic: perRunApprovalsCopy,
  payload: ApprovalRequested,
  partitionKey: approvalKey,
  description: 'An approval was requested for exactly one action, with the approver path and an expiry.',
});

export const ApprovalGrantedV1 = defineEvent({
  type: 'approval.granted',
  version: 1,
  topic: Topics.approvalEvents,
  acceptsTopic: perRunApprovalsCopy,
  payload: ApprovalGranted,
  partitionKey: approvalKey,
  description: 'Enough approvers agreed; the decision point allows the exact scope until the grant expires.',
});

export const ApprovalDeniedV1 = defineEvent({
  type: 'approval.denied',
  version: 1,
  topic: Topics.approvalEvents,
  acceptsTopic: perRunApprovalsCopy,
  payload: ApprovalDenied,
  partitionKey: approvalKey,
  description: 'An approver denied the request; the approval is closed.',
});

export const ApprovalCancelledV1 = defineEvent({
  type: 'approval.cancelled',
  version: 1,
  topic: Topics.approvalEvents,
  acceptsTopic: perRunApprovalsCopy,
  payload: ApprovalCancelled,
  partitionKey: approvalKey,
  description: 'The requester withdrew the request before anyone decided it.',
});

export const ApprovalExpiredV1 = defineEvent({
  type: 'approval.expired',
  version: 1,
  topic: Topics.approvalEvents,
  acceptsTopic: perRunApprovalsCopy,
  payload: ApprovalExpired,
  partitionKey: approvalKey,
  description: 'Nobody decided the request before its expiry.',
});

export const ExceptionWindowOpenedV1 = defineEvent({
  type: 'approval.exception-window.opened',
  version: 1,
  topic: Topics.approvalEvents,
  acceptsTopic: perRunApprovalsCopy,
  payload: ExceptionWindowOpened,
  partitionKey: windowKey,
  description: 'A time-bounded exemption from named policies for a named scope, with an owner and a reason.',
});

export const ExceptionWindowClosedV1 = defineEvent({
  type: 'approval.exception-window.closed',
  version: 1,
  topic: Topics.approvalEvents,
  acceptsTopic: perRunApprovalsCopy,
  payload: ExceptionWindowClosed,
  partitionKey: windowKey,
  description: 'An exception window was closed before its end.',
});

export const ExceptionWindowExpiredV1 = defineEvent({
  type: 'approval.exception-window.expired',
  version: 1,
  topic: Topics.approvalEvents,
  acceptsTopic: perRunApprovalsCopy,
  payload: ExceptionWindowExpired,
  partitionKey: windowKey,
  description: 'An exception window reached its end and no longer exempts anything.',
});
