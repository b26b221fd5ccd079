import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { DECISION_OUTCOMES } from '@estate/contracts';

const ENTITY_REF_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'id'],
  properties: { type: { type: 'string' }, id: { type: 'string' } },
};

/** OpenAPI shape of the approval a require-approval decision requests; the type is RequestedApproval in @estate/contracts. */
const REQUESTED_APPROVAL_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['approvalId', 'path', 'scope', 'expiresInSeconds'],
  properties: {
    approvalId: { type: 'string', description: 'apr-<decision id>; wait on it with GET /v1/approvals/{id}/wait on the approvals service' },
    path: {
      type: 'object',
      required: ['roles', 'required'],
      properties: { roles: { type: 'array', items: { type: 'string' } }, teams: { type: 'array', items: { type: 'string' } }, required: { type: 'integer', minimum: 1 } },
    },
    scope: {
      type: 'object',
      required: ['principal', 'action', 'resource', 'toolDefinitionHash', 'argumentsHash', 'bundleVersion'],
      properties: {
        principal: ENTITY_REF_SCHEMA,
        action: { type: 'string' },
        resource: ENTITY_REF_SCHEMA,
        toolDefinitionHash: { type: 'string' },
        argumentsHash: { type: 'string' },
        bundleVersion: { type: 'string' },
      },
    },
    expiresInSeconds: { type: 'integer', minimum: 1 },
  },
};

const OBLIGATION_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', example: 'redact' }, fields: { type: 'array', items: { type: 'string' } }, kinds: { type: 'array', items: { type: 'string' } } },
};

/** Response body of POST /v1/decisions, for the OpenAPI document; DecisionPoint returns the same fields. */
export class DecisionResponseDto {
  @ApiProperty() decisionId!: string;
  @ApiProperty({ enum: DECISION_OUTCOMES }) outcome!: string;
  @ApiProperty() bundleVersion!: string;
  @ApiProperty({ type: [String], description: 'Policy ids and runtime check ids that produced the outcome' }) determiningPolicies!: string[];
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({ type: 'array', items: OBLIGATION_SCHEMA }) obligations!: object[];
  @ApiProperty({ type: [String] }) exceptionWindowIds!: string[];
  @ApiPropertyOptional({ description: 'The grant that turned a require-approval into an allow' }) grantApprovalId?: string;
  @ApiPropertyOptional({ allOf: [REQUESTED_APPROVAL_SCHEMA] }) approval?: object;
  @ApiPropertyOptional() traceId?: string;
  @ApiPropertyOptional() spanId?: string;
  @ApiProperty({ description: 'True when the decision cache served the outcome' }) cached!: boolean;
}
