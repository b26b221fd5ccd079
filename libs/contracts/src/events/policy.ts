import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
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
import { decisionLooksValid, fastThenDecorators } from './decision-check';
import { Topics } from '../topics';

/** Outcomes the decision point returns. */
export const DECISION_OUTCOMES = ['allow', 'deny', 'require_approval'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** A Cedar entity reference, such as `Agent::"support-bot"`. */
export class PolicyEntityRef {
  @IsString() @IsNotEmpty() @MaxLength(64) type!: string;
  @IsString() @IsNotEmpty() @MaxLength(512) id!: string;
}

/** Something the caller must do before acting on an allow, such as redacting fields. */
export class Obligation {
  @IsString() @IsNotEmpty() type!: string;
  /** Context or output fields the obligation applies to. */
  @IsOptional() @IsArray() @IsString({ each: true }) fields?: string[];
  /** Finding kinds the obligation covers, such as `email` or `card_number`. */
  @IsOptional() @IsArray() @IsString({ each: true }) kinds?: string[];
}

/** Approval path of a require-approval decision: the roles or teams that may approve and how many distinct approvers must agree. */
export class ApprovalPath {
  @IsArray() @IsString({ each: true }) roles!: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) teams?: string[];
  @IsInt() @Min(1) required!: number;
}

/**
 * What a grant must match for the decision point to honour it: the same
 * principal, action and resource, the same tool definition and arguments,
 * and the same bundle version.
 */
export class ApprovalScope {
  @IsObject() @ValidateNested() @Type(() => PolicyEntityRef) principal!: PolicyEntityRef;
  @IsString() @IsNotEmpty() action!: string;
  @IsObject() @ValidateNested() @Type(() => PolicyEntityRef) resource!: PolicyEntityRef;
  /** Hex SHA-256 of the tool definition the call used; empty when the action is not a tool call. */
  @IsString() toolDefinitionHash!: string;
  /** Hex SHA-256 of the RFC 8785 canonical JSON of the call's arguments. */
  @IsString() argumentsHash!: string;
  @IsString() @IsNotEmpty() bundleVersion!: string;
}

/** The approval a require-approval decision asks for; the approvals service creates it from this. */
export class RequestedApproval {
  /** Derived from the decision id, so the caller can wait on it before the approvals service has stored it. */
  @IsString() @IsNotEmpty() approvalId!: string;
  @IsObject() @ValidateNested() @Type(() => ApprovalPath) path!: ApprovalPath;
  @IsObject() @ValidateNested() @Type(() => ApprovalScope) scope!: ApprovalScope;
  @IsInt() @Min(1) expiresInSeconds!: number;
}

export class PolicyDecisionRecorded {
  @IsString() @IsNotEmpty() decisionId!: string;
  @IsOptional() @IsString() traceId?: string;
  @IsOptional() @IsString() spanId?: string;
  @IsObject() @ValidateNested() @Type(() => PolicyEntityRef) principal!: PolicyEntityRef;
  @IsString() @IsNotEmpty() action!: string;
  @IsObject() @ValidateNested() @Type(() => PolicyEntityRef) resource!: PolicyEntityRef;
  /** The request context with prompt, output, arguments and detected PII or secrets masked. */
  @IsObject() context!: Record<string, unknown>;
  @IsIn(DECISION_OUTCOMES) outcome!: DecisionOutcome;
  @IsString() @IsNotEmpty() bundleVersion!: string;
  /** Policy ids (and runtime check ids such as `check:tool-binding`) that produced the outcome. */
  @IsArray() @IsString({ each: true }) determiningPolicies!: string[];
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) reasons!: string[];
  @IsArray() @ValidateNested({ each: true }) @Type(() => Obligation) obligations!: Obligation[];
  /** Exception windows that exempted this request from one or more determining policies. */
  @IsArray() @IsString({ each: true }) exceptionWindowIds!: string[];
  /** The grant that turned a require-approval into an allow, when there was one. */
  @IsOptional() @IsString() grantApprovalId?: string;
  @IsOptional() @ValidateNested() @Type(() => RequestedApproval) approval?: RequestedApproval;
  @IsISO8601({ strict: true }) decidedAt!: string;
  /** API key that asked for the decision; it may not decide the approval the decision requests. */
  @IsOptional() @IsString() requestedByKeyId?: string;
}

export const PolicyDecisionRecordedV1 = defineEvent({
  type: 'policy.decision.recorded',
  version: 1,
  topic: Topics.policyDecisions,
  // Tests write to per-run copies (`<topic>.<suffix>`) so they never replay shared history.
  acceptsTopic: (topic) => topic.startsWith(`${Topics.policyDecisions}.`),
  payload: PolicyDecisionRecorded,
  validate: fastThenDecorators(PolicyDecisionRecorded, (payload) => decisionLooksValid(payload, DECISION_OUTCOMES)),
  partitionKey: (p) => p.traceId ?? p.decisionId,
  description: 'The decision point returned allow, deny or require approval, with the policies, bundle version and masked input.',
});

export class PolicyBundlePublished {
  @IsString() @IsNotEmpty() bundleId!: string;
  @IsString() @IsNotEmpty() version!: string;
  /** Hex SHA-256 of the policy text. */
  @IsString() @IsNotEmpty() sha256!: string;
  @IsInt() @Min(0) policyCount!: number;
  @IsArray() @IsString({ each: true }) policyIds!: string[];
  @IsString() @IsNotEmpty() publishedBy!: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string;
}

export class PolicyBundleActivated {
  @IsString() @IsNotEmpty() bundleId!: string;
  @IsString() @IsNotEmpty() version!: string;
  @IsOptional() @IsString() previousVersion?: string;
  @IsString() @IsNotEmpty() activatedBy!: string;
}

export class PolicyBundleRolledBack {
  @IsString() @IsNotEmpty() bundleId!: string;
  @IsString() @IsNotEmpty() fromVersion!: string;
  @IsString() @IsNotEmpty() toVersion!: string;
  @IsString() @IsNotEmpty() rolledBackBy!: string;
  @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

export const PolicyBundlePublishedV1 = defineEvent({
  type: 'policy.bundle.published',
  version: 1,
  topic: Topics.policyEvents,
  payload: PolicyBundlePublished,
  partitionKey: (p) => p.bundleId,
  description: 'A policy bundle version passed schema validation and was stored; it decides nothing until activated.',
});

export const PolicyBundleActivatedV1 = defineEvent({
  type: 'policy.bundle.activated',
  version: 1,
  topic: Topics.policyEvents,
  payload: PolicyBundleActivated,
  partitionKey: (p) => p.bundleId,
  description: 'A published bundle version became the one the decision point evaluates.',
});

export const PolicyBundleRolledBackV1 = defineEvent({
  type: 'policy.bundle.rolled-back',
  version: 1,
  topic: Topics.policyEvents,
  payload: PolicyBundleRolledBack,
  partitionKey: (p) => p.bundleId,
  description: 'The active bundle went back to the version active before it.',
});
