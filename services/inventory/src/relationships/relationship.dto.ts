import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RELATIONSHIP_TYPES, RelationshipType } from '@estate/contracts';
import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class DeclareRelationshipRequest {
  @ApiProperty({ enum: RELATIONSHIP_TYPES }) @IsIn(RELATIONSHIP_TYPES) type!: RelationshipType;
  @ApiProperty() @IsString() @IsNotEmpty() fromId!: string;
  @ApiProperty() @IsString() @IsNotEmpty() toId!: string;
  @ApiPropertyOptional({ description: 'When the relationship stops being valid, such as the end of a pilot' }) @IsOptional() @IsISO8601({ strict: true }) validUntil?: string;
}

export class EndRelationshipRequest {
  @ApiProperty({ minimum: 1, maximum: 2147483647 }) @IsInt() @Min(1) @Max(2147483647) expectedVersion!: number;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}
