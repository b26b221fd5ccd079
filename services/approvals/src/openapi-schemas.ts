import type { ApiPropertyOptions } from '@nestjs/swagger';
import type { SchemaObjectMetadata } from '@nestjs/swagger/dist/interfaces/schema-object-metadata.interface';

/**
 * OpenAPI shapes of the @estate/contracts classes that request bodies nest.
 * Those classes carry only class-validator decorators, so the document
 * describes them here; keep both in step when a contract changes. The
 * property options spell out `type: 'object'`, because a class type would
 * make the document refer to the undecorated contract class instead. A
 * shape with its own required list sits under `allOf`, because Swagger reads
 * a `required` option as whether the property itself is required.
 */
// Swagger's metadata type has no slot for a nested object's required list, so the cast states the OpenAPI shape.
const ENTITY_REF_SCHEMA = {
  type: 'object',
  required: ['type', 'id'],
  properties: { type: { type: 'string', example: 'Agent' }, id: { type: 'string', example: 'support-bot' } },
} as unknown as SchemaObjectMetadata;

/** ApprovalScope: the exact call an approval covers. */
const APPROVAL_SCOPE_SCHEMA = {
  type: 'object',
  required: ['principal', 'action', 'resource', 'toolDefinitionHash', 'argumentsHash', 'bundleVersion'],
  properties: {
    principal: ENTITY_REF_SCHEMA,
    action: { type: 'string', example: 'tool:issue_refund' },
    resource: ENTITY_REF_SCHEMA,
    toolDefinitionHash: { type: 'string', description: 'Hex SHA-256 of the tool definition; empty when the action is not a tool call' },
    argumentsHash: { type: 'string', description: 'Hex SHA-256 of the RFC 8785 canonical JSON of the arguments; empty for a call without arguments' },
    bundleVersion: { type: 'string', example: 'v3' },
  },
} as unknown as SchemaObjectMetadata;
export const APPROVAL_SCOPE_PROPERTY: ApiPropertyOptions = { type: 'object', required: true, allOf: [APPROVAL_SCOPE_SCHEMA] } as unknown as ApiPropertyOptions;

/** ApprovalPath: who may approve and how many must agree. */
const APPROVAL_PATH_SCHEMA = {
  type: 'object',
  required: ['roles', 'required'],
  properties: {
    roles: { type: 'array', items: { type: 'string' }, example: ['security'] },
    teams: { type: 'array', items: { type: 'string' } },
    required: { type: 'integer', minimum: 1 },
  },
} as unknown as SchemaObjectMetadata;
export const APPROVAL_PATH_PROPERTY: ApiPropertyOptions = { type: 'object', required: true, allOf: [APPROVAL_PATH_SCHEMA] } as unknown as ApiPropertyOptions;

/** ExceptionScope: where a window applies; an absent field matches every value. */
export const EXCEPTION_SCOPE_PROPERTY: ApiPropertyOptions = {
  type: 'object',
  properties: { principal: ENTITY_REF_SCHEMA, resource: ENTITY_REF_SCHEMA, environment: { type: 'string', example: 'prod' } },
};
