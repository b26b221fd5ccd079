import { Body, Controller, Delete, HttpCode, Inject, Param, Post } from '@nestjs/common';
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
  @ApiProperty({ required: false }) @IsOptional() @IsISO8601() expiresAt?: string;
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

  /** Returns the key once; only its hash is recorded. */
  @Post()
  async create(@Body() request: CreateApiKeyRequest, @CurrentPrincipal() principal: Principal) {
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
      throw new AppError('not_found', `API key ${keyId} is not a key of tenant ${principal.tenantId}; list the keys you issued and check the id`, 'keyId');
    }
    const payload = { keyId, tenantId: principal.tenantId, revokedBy: `api-key:${principal.keyId}`, reason: request.reason };
    await this.publisher.publish([
      createEnvelope({ type: ApiKeyRevokedV1.type, schemaVersion: 1, tenantId: principal.tenantId, producer: this.options.name, key: principal.tenantId, payload }),
    ]);
    return { keyId, status: 'revocation recorded' };
  }
}
