import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

class ImportTarget {
  @ApiPropertyOptional({ description: 'Environment the imported servers run in, such as prod' }) @IsOptional() @IsString() @MaxLength(100) environment?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) ownerTeam?: string;
}

export class ImportMcpConfigRequest extends ImportTarget {
  @ApiProperty({ description: 'The parsed JSON of the client config file' }) @IsObject() document!: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Where the file came from, such as "~/.cursor/mcp.json on build host 7"' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500) sourceName?: string;
  @ApiPropertyOptional({ description: 'The agent asset that uses this config; each server gets a "uses" relationship from it' }) @IsOptional() @IsString() @IsNotEmpty() clientAgentId?: string;
}

export class ImportServerJsonRequest extends ImportTarget {
  @ApiProperty({ description: 'The parsed JSON of an MCP registry server.json' }) @IsObject() document!: Record<string, unknown>;
}

export class ImportToolListRequest {
  @ApiProperty({ description: 'The result of an MCP tools/list call' }) @IsObject() document!: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Pin the observed definitions when they differ from the pinned ones; the drift event is recorded either way' })
  @IsOptional()
  @IsBoolean()
  acceptChanges?: boolean;
}
