import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { GOVERNANCE_AREAS, INCIDENT_SEVERITIES } from '@estate/contracts';

const MAX_LINKS = 200;

/** Identifiers of the facts a record concerns; each list may be left out. */
export class LinksRequest {
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(MAX_LINKS) @Matches(/^[0-9a-f]{32}$/, { each: true, message: 'each of traceIds must be a W3C trace id: 32 lowercase hex digits' }) traceIds?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(MAX_LINKS) @IsString({ each: true }) assetIds?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(MAX_LINKS) @IsString({ each: true }) decisionIds?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(MAX_LINKS) @IsString({ each: true }) approvalIds?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(MAX_LINKS) @IsString({ each: true }) workflows?: string[];
}

class RecordRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(300) title!: string;
  @ApiPropertyOptional({ description: 'The person who recorded it; the API key id is always recorded beside it' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(150) recordedBy?: string;
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(4000, { each: true }) findings!: string[];
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(4000, { each: true }) decisions!: string[];
  @ApiPropertyOptional({ type: LinksRequest }) @IsOptional() @ValidateNested() @Type(() => LinksRequest) links?: LinksRequest;
}

export class RecordIncidentRequest extends RecordRequest {
  @ApiProperty({ enum: INCIDENT_SEVERITIES }) @IsIn(INCIDENT_SEVERITIES) severity!: (typeof INCIDENT_SEVERITIES)[number];
  @ApiProperty() @IsISO8601({ strict: true }) occurredAt!: string;
  @ApiProperty() @IsISO8601({ strict: true }) detectedAt!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) ownerTeam?: string;
  @ApiProperty() @IsString() @MaxLength(8000) summary!: string;
}

export class RecordReviewRequest extends RecordRequest {
  @ApiProperty({ enum: GOVERNANCE_AREAS }) @IsIn(GOVERNANCE_AREAS) area!: (typeof GOVERNANCE_AREAS)[number];
  @ApiProperty() @IsISO8601({ strict: true }) reviewedAt!: string;
  @ApiProperty({ minimum: 1, maximum: 366 }) @Type(() => Number) @IsInt() @Min(1) @Max(366) cadenceDays!: number;
}
