import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@estate/access';
import { DEFAULT_BUNDLE_VERSION, DEFAULT_POLICIES } from '@estate/policy-engine';
import { AllowRoles, AppError, CurrentPrincipal } from '@estate/service-kit';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { BundleRegistry } from './bundle-registry';
import { parseVersionLabel } from './bundle-store';
import { BundleService } from './bundle.service';

const MAX_POLICY_TEXT = 1_000_000;

export class PublishBundleBody {
  /** Cedar policy text; each policy should carry `@id("...")` so decisions name it. */
  @ApiProperty({ maxLength: MAX_POLICY_TEXT }) @IsString() @IsNotEmpty() @MaxLength(MAX_POLICY_TEXT) policies!: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) description?: string;
}

export class RollbackBody {
  @ApiProperty({ maxLength: 2000 }) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

const actorOf = (principal: Principal) => `${principal.role}:${principal.keyId}`;

@ApiTags('policy bundles')
@ApiBearerAuth()
@Controller('v1/policy-bundles')
export class BundlesController {
  constructor(
    private readonly bundles: BundleService,
    private readonly registry: BundleRegistry,
  ) {}

  /** Validates policy text against the tenant's schema without storing anything. */
  @Post('validate')
  @HttpCode(200)
  async validate(@CurrentPrincipal() principal: Principal, @Body() body: PublishBundleBody) {
    const { parsed } = await this.bundles.validate(principal.tenantId, body.policies);
    return { valid: true, policyIds: Object.keys(parsed.policies), sha256: parsed.sha256 };
  }

  @Post('versions')
  @AllowRoles('security', 'governance')
  async publish(@CurrentPrincipal() principal: Principal, @Body() body: PublishBundleBody) {
    return this.bundles.publish(principal.tenantId, body.policies, body.description, actorOf(principal));
  }

  @Get('versions')
  async list(@CurrentPrincipal() principal: Principal) {
    return { versions: await this.registry.store.listVersions(principal.tenantId) };
  }

  /** A published version, or `default-1`: the shipped default bundle that decides until a tenant activates its own (read-only). */
  @Get('versions/:version')
  async get(@CurrentPrincipal() principal: Principal, @Param('version') version: string) {
    if (version === DEFAULT_BUNDLE_VERSION) {
      const policyIds = Object.keys(this.registry.defaultPolicies().loaded.policies);
      return { version: DEFAULT_BUNDLE_VERSION, policies: DEFAULT_POLICIES, policyIds, description: 'shipped default bundle; in force until the tenant activates a version of its own' };
    }
    const stored = await this.registry.store.findVersion(principal.tenantId, versionNumber(version));
    if (!stored) throw new AppError('not_found', `bundle version ${version} not found`, 'version');
    return stored;
  }

  @Post('versions/:version/activate')
  @HttpCode(200)
  @AllowRoles('security', 'governance')
  async activate(@CurrentPrincipal() principal: Principal, @Param('version') version: string) {
    return this.bundles.activate(principal.tenantId, versionNumber(version), actorOf(principal));
  }

  @Post('rollback')
  @HttpCode(200)
  @AllowRoles('security', 'governance')
  async rollback(@CurrentPrincipal() principal: Principal, @Body() body: RollbackBody) {
    return this.bundles.rollback(principal.tenantId, body.reason, actorOf(principal));
  }

  @Get('active')
  async active(@CurrentPrincipal() principal: Principal) {
    const bundle = await this.registry.activeBundle(principal.tenantId);
    return { version: bundle.version, policyIds: Object.keys(bundle.loaded.policies), tools: [...bundle.tools.keys()] };
  }
}

function versionNumber(label: string): number {
  const version = parseVersionLabel(label);
  if (version === undefined) {
    throw new AppError('invalid_argument', `bundle version must look like v3 or 3 (or ${DEFAULT_BUNDLE_VERSION} to read the shipped default), got "${label}"`, 'version');
  }
  return version;
}
