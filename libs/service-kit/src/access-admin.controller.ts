import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsISO8601, IsString, MaxLength } from 'class-validator';
import { generateApiKey, Principal } from '@estate/access';
import { ident } from '@estate/projection';
import type { Pool } from 'pg';
import { AppError } from './app-error';
import { ApiKeyCreatedV1, ApiKeyRevokedV1, createEnvelope, ROLES, Role } from '@estate/contracts';
import { EventPublisher } from '@estate/kafka';
import { AllowRoles, CurrentPrincipal } from './auth';
import { EVENT_PUBLISHER, PG_POOL, SERVICE_OPTIONS } from './tokens';
import { ServiceOptions } from './service-options';

export class CreateApiKeyRequest {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role!: Role;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) label!: string;
  @ApiProperty({ required: false }) @IsOptional() @IsISO8601({ strict: true }) expiresAt?: string;
}

export class RevokeApiKeyRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}

/** Issues and revokes API keys for the caller's tenant; both are events on the access topic. */
@ApiTags('access')
@ApiBearerAuth()
@AllowRoles('admin')
@Controller('v1/api-keys')
export class AccessAdminController {
  constructor(
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  /** Lists the tenant's keys without their secrets, newest first, revoked and expired ones included. */
  @Get()
  async list(@CurrentPrincipal() principal: Principal) {
    const { rows } = await this.pool.query(
      `SELECT key_id, role, label, created_by, created_at, expires_at, revoked_at, revoked_by
       FROM ${ident(this.options.schema)}.api_keys WHERE tenant_id = $1 ORDER BY created_at DESC, key_id`,
      [principal.tenantId],
    );
    return {
      keys: rows.map((r) => ({
        keyId: r.key_id, role: r.role, label: r.label, createdBy: r.created_by, createdAt: r.created_at,
        expiresAt: r.expires_at, revokedAt: r.revoked_at, revokedBy: r.revoked_by,
      })),
    };
  }

  /** Returns the key once; only its hash is recorded. */
  @Post()
  async create(@Body() request: CreateApiKeyRequest, @CurrentPrincipal() principal: Principal) {
    if (request.expiresAt && Date.parse(request.expiresAt) <= Date.now()) {
      throw new AppError('invalid_argument', `expiresAt ${request.expiresAt} is not in the future; give a later time, or leave it out for a key that does not expire`, 'expiresAt');
    }
    const generated = generateApiKey();
    const payload = {
      keyId: generated.keyId,
      tenantId: principal.tenantId,
      role: request.role,
      keyHash: generated.keyHash,
      label: request.label,
      createdBy: `api-key:${principal.keyId}`,
      expiresAt: request.expiresAt,
    };
    await this.publisher.publish([
      createEnvelope({ type: ApiKeyCreatedV1.type, schemaVersion: 1, tenantId: principal.tenantId, producer: this.options.name, key: principal.tenantId, payload }),
    ]);
    return { keyId: generated.keyId, role: request.role, apiKey: generated.key };
  }

  /**
   * Records the revocation. Every service drops the key once its access
   * projection applies the event and its key cache expires (5 s at most).
   */
  @Delete(':keyId')
  @HttpCode(202)
  async revoke(@Param('keyId') keyId: string, @Body() request: RevokeApiKeyRequest, @CurrentPrincipal() principal: Principal) {
    const known = await this.pool.query(
      `SELECT 1 FROM ${ident(this.options.schema)}.api_keys WHERE key_id = $1 AND tenant_id = $2`,
      [keyId, principal.tenantId],
    );
    if (known.rowCount === 0) {
      throw new AppError('not_found', `API key ${keyId} is not a key of tenant ${principal.tenantId}; list the keys with GET /v1/api-keys and check the id`, 'keyId');
    }
    const payload = { keyId, tenantId: principal.tenantId, revokedBy: `api-key:${principal.keyId}`, reason: request.reason };
    await this.publisher.publish([
      createEnvelope({ type: ApiKeyRevokedV1.type, schemaVersion: 1, tenantId: principal.tenantId, producer: this.options.name, key: principal.tenantId, payload }),
    ]);
    return { keyId, status: 'revocation recorded' };
  }
}
