import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { BASE_ACTIONS, BaseAction, BUDGET_STATES } from '@estate/policy-engine';

export const ENTITY_TYPES = ['Agent', 'User', 'Tool', 'Dataset', 'ModelRoute', 'OutputChannel', 'McpServer', 'Team', 'Environment', 'PolicyClass'] as const;
export const MAX_TEXT = 200_000;

export class EntityRefDto {
  @ApiProperty({ enum: ENTITY_TYPES, example: 'Agent' }) @IsIn(ENTITY_TYPES) type!: string;
  @ApiProperty({ maxLength: 512, example: 'support-bot' }) @IsString() @IsNotEmpty() @MaxLength(512) id!: string;
}

export class EntityDto {
  @ApiProperty({ type: EntityRefDto }) @IsObject() @ValidateNested() @Type(() => EntityRefDto) uid!: EntityRefDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Attributes the Cedar schema declares for the entity type' })
  @IsObject() attrs!: Record<string, unknown>;
  @ApiProperty({ type: [EntityRefDto], maxItems: 50 }) @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => EntityRefDto) parents!: EntityRefDto[];
}

export class DecisionContextDto {
  /** Where the request runs: dev, staging, prod, ... */
  @ApiProperty({ maxLength: 64, example: 'prod' }) @IsString() @IsNotEmpty() @MaxLength(64) environment!: string;
  /** sandbox, internal, customer-facing or regulated; used only when the principal has no registered class. */
  @ApiPropertyOptional({ maxLength: 64, example: 'internal' }) @IsOptional() @IsString() @MaxLength(64) policyClass?: string;
  /** The agent's tool scope, used when the inventory has none for it. */
  @ApiPropertyOptional({ type: [String], maxItems: 1000 }) @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) toolScope?: string[];
  @ApiPropertyOptional({ pattern: '^[0-9a-f]{32}$', description: 'W3C trace id' })
  @IsOptional() @IsString() @Matches(/^[0-9a-f]{32}$/, { message: 'traceId must be 32 lowercase hex characters (W3C trace context)' }) traceId?: string;
  @ApiPropertyOptional({ pattern: '^[0-9a-f]{16}$', description: 'W3C span id' })
  @IsOptional() @IsString() @Matches(/^[0-9a-f]{16}$/, { message: 'spanId must be 16 lowercase hex characters (W3C trace context)' }) spanId?: string;
  @ApiPropertyOptional({ maxLength: MAX_TEXT }) @IsOptional() @IsString() @MaxLength(MAX_TEXT) prompt?: string;
  @ApiPropertyOptional({ maxLength: MAX_TEXT }) @IsOptional() @IsString() @MaxLength(MAX_TEXT) output?: string;
  /** Documents retrieval put into the prompt; checked for instructions hidden in data. */
  @ApiPropertyOptional({ type: [String], maxItems: 100 })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(MAX_TEXT, { each: true }) retrievedContent?: string[];
  @ApiPropertyOptional({ enum: BUDGET_STATES }) @IsOptional() @IsIn(BUDGET_STATES) budgetState?: string;
  /** Hex SHA-256 of the tool definition the runtime loaded. */
  @ApiPropertyOptional({ pattern: '^[0-9a-f]{64}$' })
  @IsOptional() @IsString() @Matches(/^[0-9a-f]{64}$/, { message: 'toolDefinitionHash must be 64 lowercase hex characters (SHA-256)' }) toolDefinitionHash?: string;
  /** The tool call's arguments; policies see the fields the tool's input schema types. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() arguments?: Record<string, unknown>;
}

export class DecisionRequestDto {
  // @IsDefined: @ValidateNested alone passes a missing object, which then failed deep in the decision point.
  @ApiProperty({ type: EntityRefDto }) @IsDefined() @ValidateNested() @Type(() => EntityRefDto) principal!: EntityRefDto;
  @ApiProperty({ enum: BASE_ACTIONS }) @IsIn(BASE_ACTIONS) action!: BaseAction;
  @ApiProperty({ type: EntityRefDto }) @IsDefined() @ValidateNested() @Type(() => EntityRefDto) resource!: EntityRefDto;
  @ApiProperty({ type: DecisionContextDto }) @IsDefined() @ValidateNested() @Type(() => DecisionContextDto) context!: DecisionContextDto;
  /** Entities for this request only, laid over the cached ones. */
  @ApiPropertyOptional({ type: [EntityDto], maxItems: 100 })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => EntityDto) entities?: EntityDto[];
}
