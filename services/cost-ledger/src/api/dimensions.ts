import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { COST_DIMENSIONS, CostDimension, DimensionValues } from '@estate/pricing';

/** Column of each cost dimension in usage and rollup tables. */
export const DIMENSION_COLUMN: Record<CostDimension, string> = {
  workflow: 'workflow',
  product: 'product',
  environment: 'environment',
  team: 'team',
  agent: 'agent',
  modelRoute: 'model_route',
  provider: 'provider',
  model: 'model',
  policyClass: 'policy_class',
};

/** Optional filters or scope on every cost dimension, shared by query strings and request bodies. */
export class DimensionFilter {
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) workflow?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) product?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) environment?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) team?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) agent?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) modelRoute?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) provider?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) model?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) policyClass?: string;
}

export function dimensionsOf(source: DimensionFilter): DimensionValues {
  const values: DimensionValues = {};
  for (const dimension of COST_DIMENSIONS) {
    const value = source[dimension];
    if (value !== undefined) values[dimension] = value;
  }
  return values;
}
