import { Body, Controller, Delete, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsISO8601, IsString, MaxLength } from 'class-validator';
import { generateApiKey, Principal } from '@estate/access';
import { ApiKeyCreatedV1, ApiKeyRevokedV1, createEnvelope, ROLES, Role } from '@estate/contracts';
import { EventPublisher } from '@estate/kafka';
import { AllowRoles, CurrentPrincipal } from './auth';
import { EVENT_PUBLISHER, SERVICE_OPTIONS } from './tokens';
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

  @Delete(':keyId')
  @HttpCode(202)
  async revoke(@Param('keyId') keyId: string, @Body() request: RevokeApiKeyRequest, @CurrentPrincipal() principal: Principal) {
    const payload = { keyId, tenantId: principal.tenantId, revokedBy: `api-key:${principal.keyId}`, reason: request.reason };
    await this.publisher.publish([
      createEnvelope({ type: ApiKeyRevokedV1.type, schemaVersion: 1, tenantId: principal.tenantId, producer: this.options.name, key: principal.tenantId, payload }),
    ]);
    return { keyId, status: 'revocation recorded' };
  }
}
