import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';

/** Roles follow the ownership model; `ingest` may only send telemetry. */
export const ROLES = ['ai-engineering', 'platform', 'security', 'governance', 'finops', 'admin', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export class TenantCreated {
  @IsString() @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/) tenantId!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @IsString() @IsNotEmpty() createdBy!: string;
}

export class ApiKeyCreated {
  @IsString() @Matches(/^[A-Za-z0-9]{12,40}$/) keyId!: string;
  @IsString() @IsNotEmpty() tenantId!: string;
  @IsIn(ROLES) role!: Role;
  /** Hex SHA-256 of the whole key; the key itself never leaves the process that generated it. */
  @IsString() @Matches(/^[a-f0-9]{64}$/) keyHash!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) label!: string;
  @IsString() @IsNotEmpty() createdBy!: string;
  @IsOptional() @IsISO8601({ strict: true }) expiresAt?: string;
}

export class ApiKeyRevoked {
  @IsString() @IsNotEmpty() keyId!: string;
  @IsString() @IsNotEmpty() tenantId!: string;
  @IsString() @IsNotEmpty() revokedBy!: string;
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}

export const TenantCreatedV1 = defineEvent({
  type: 'access.tenant.created',
  version: 1,
  topic: Topics.accessEvents,
  payload: TenantCreated,
  partitionKey: (p) => p.tenantId,
  description: 'A tenant was created; every event and row is scoped to one tenant.',
});

export const ApiKeyCreatedV1 = defineEvent({
  type: 'access.api-key.created',
  version: 1,
  topic: Topics.accessEvents,
  payload: ApiKeyCreated,
  partitionKey: (p) => p.tenantId,
  description: 'An API key was issued for a tenant and role; only its hash is recorded.',
});

export const ApiKeyRevokedV1 = defineEvent({
  type: 'access.api-key.revoked',
  version: 1,
  topic: Topics.accessEvents,
  payload: ApiKeyRevoked,
  partitionKey: (p) => p.tenantId,
  description: 'An API key was revoked and is rejected from then on.',
});
