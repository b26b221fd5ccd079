import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ASSET_KINDS, AssetKind, DATA_CLASSIFICATIONS, DataClassification, LIFECYCLE_STATES, LifecycleState } from '@estate/contracts';
import { IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** A visible name: at least one non-space character, and no control, formatting, line or paragraph separator characters. */
const DISPLAY_NAME = /^(?=.*\S)[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u;
const DISPLAY_NAME_MESSAGE = 'name must contain a visible character and no control or formatting characters (such as a line break or the right-to-left override U+202E)';
const SETTABLE_LIFECYCLES = LIFECYCLE_STATES.filter((s) => s !== 'retired');

/** Fields a person may set on any asset. */
class AssetFields {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) assetVersion?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) ownerTeam?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) purpose?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) environment?: string;
  @ApiPropertyOptional({ enum: DATA_CLASSIFICATIONS }) @IsOptional() @IsIn(DATA_CLASSIFICATIONS) dataClassification?: DataClassification;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) policyClass?: string;
  @ApiPropertyOptional({ enum: SETTABLE_LIFECYCLES, description: 'Retiring is its own command: POST /v1/assets/{id}/retire' })
  @IsOptional()
  @IsIn(SETTABLE_LIFECYCLES, { message: `lifecycle must be one of ${SETTABLE_LIFECYCLES.join(', ')}; to retire an asset, call POST /v1/assets/{id}/retire` })
  lifecycle?: LifecycleState;
  @ApiPropertyOptional() @IsOptional() @IsObject() labels?: Record<string, string>;
  @ApiPropertyOptional({ description: 'Identifiers outside Estate, such as {"openai.model": "gpt-4o"}' }) @IsOptional() @IsObject() externalRefs?: Record<string, string>;
  @ApiPropertyOptional({ description: 'Kind-specific facts, such as {"sideEffect": true} on a tool or {"opensAt": "...", "closesAt": "..."} on an exception window' })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;
}

export class RegisterAssetRequest extends AssetFields {
  @ApiPropertyOptional({ description: 'Stable id chosen by the caller; generated when absent' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{2,127}$/, { message: 'id must be 3 to 128 letters, digits, ".", "_", ":" or "-"' })
  id?: string;
  @ApiProperty({ enum: ASSET_KINDS }) @IsIn(ASSET_KINDS) kind!: AssetKind;
  @ApiProperty() @IsString() @MaxLength(300) @Matches(DISPLAY_NAME, { message: DISPLAY_NAME_MESSAGE }) name!: string;
}

export class UpdateAssetRequest extends AssetFields {
  @ApiProperty({ description: 'The version the change was based on; a stale one is rejected with 409 version_conflict' })
  @IsInt()
  @Min(1)
  expectedVersion!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) @Matches(DISPLAY_NAME, { message: DISPLAY_NAME_MESSAGE }) name?: string;
}

export class RetireAssetRequest {
  @ApiProperty({ minimum: 1, maximum: 2147483647 }) @IsInt() @Min(1) @Max(2147483647) expectedVersion!: number;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}
