import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@estate/access';
import { ExceptionScope } from '@estate/contracts';
import { AllowRoles, AppError, CurrentPrincipal } from '@estate/service-kit';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { EXCEPTION_SCOPE_PROPERTY } from '../openapi-schemas';
import { WindowService } from './window.service';

/** Query of GET /v1/exception-windows; an unknown parameter is rejected rather than ignored. */
export class EndingSoonQuery {
  @ApiPropertyOptional({ default: 168 }) @IsOptional() @IsString() endingWithinHours?: string;
}

/** A window's bounds decide policy, so each time must carry its zone. */
const WITH_OFFSET = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const offsetMessage = (field: string) => `${field} must be a date-time with a UTC offset, such as 2027-01-01T00:00:00Z or 2027-01-01T09:00:00+02:00`;

export class OpenWindowBody {
  @ApiProperty({
    type: [String], minItems: 1, maxItems: 100,
    description: 'Ids of published policies (GET /v1/policy-bundles/active on the policy service), of the default bundle, or of runtime checks',
  })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @IsString({ each: true }) policyIds!: string[];
  @ApiProperty(EXCEPTION_SCOPE_PROPERTY) @IsObject() @ValidateNested() @Type(() => ExceptionScope) scope!: ExceptionScope;
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) owner!: string;
  @ApiProperty({ maxLength: 2000 }) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to now' })
  @IsOptional() @IsISO8601({ strict: true }) @Matches(WITH_OFFSET, { message: offsetMessage('startsAt') }) startsAt?: string;
  @ApiProperty({ format: 'date-time', description: 'At most 90 days after startsAt' })
  @IsISO8601({ strict: true }) @Matches(WITH_OFFSET, { message: offsetMessage('endsAt') }) endsAt!: string;
  @ApiPropertyOptional({ description: 'Must be true when the scope names no principal, resource or environment, since the window then covers the whole tenant' })
  @IsOptional() @IsBoolean() tenantWide?: boolean;
}

export class CloseWindowBody {
  @ApiProperty({ maxLength: 2000 }) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

@ApiTags('exception windows')
@ApiBearerAuth()
@Controller('v1/exception-windows')
export class WindowsController {
  constructor(private readonly windows: WindowService) {}

  @Post()
  @AllowRoles('security', 'governance')
  open(@CurrentPrincipal() principal: Principal, @Body() body: OpenWindowBody) {
    const { principal: who, resource, environment } = body.scope;
    if (!who && !resource && !environment && body.tenantWide !== true) {
      throw new AppError('invalid_argument', 'scope names no principal, resource or environment, so the window would exempt the whole tenant; narrow the scope, or send tenantWide: true if that is meant', 'scope');
    }
    return this.windows.open(principal.tenantId, body, `${principal.role}:${principal.keyId}`);
  }

  /** Open windows ending within `endingWithinHours` (default 168, one week), soonest first. */
  @Get()
  async endingSoon(@CurrentPrincipal() principal: Principal, @Query() { endingWithinHours: hours }: EndingSoonQuery) {
    const within = hours === undefined ? 168 : Number(hours);
    if (!Number.isFinite(within) || within <= 0 || within > 24 * 366) {
      throw new AppError('invalid_argument', 'endingWithinHours must be a number of hours above 0 and at most 8784', 'endingWithinHours');
    }
    return { windows: await this.windows.endingSoon(principal.tenantId, within) };
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.windows.get(principal.tenantId, id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @AllowRoles('security', 'governance')
  close(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: CloseWindowBody) {
    return this.windows.close(principal.tenantId, id, `${principal.role}:${principal.keyId}`, body.reason);
  }
}
