import { Body, Controller, Get, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@estate/access';
import { generateToolActions, McpTool } from '@estate/policy-engine';
import { AllowRoles, AppError, CurrentPrincipal, PG_POOL, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Pool } from 'pg';
import { EntityCache } from './entity-cache';
import { ToolStore } from './tool-store';

export class ImportToolsBody {
  /** The MCP server the list came from; it becomes each tool's parent entity. */
  @ApiPropertyOptional({ maxLength: 256 }) @IsOptional() @IsString() @MaxLength(256) mcpServer?: string;
  /** The `tools` array of an MCP `tools/list` result. */
  @ApiProperty({
    type: 'array', minItems: 1, maxItems: 2000,
    items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, description: { type: 'string' }, inputSchema: { type: 'object' } } },
  })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2000) @IsObject({ each: true }) tools!: McpTool[];
}

/**
 * Imports an MCP tool list: stores each definition with its hash as the
 * pinned one, and adds Tool entities. Bundles published afterwards carry a
 * `tool:<name>` action per tool, typed by its input schema.
 */
@ApiTags('tools')
@ApiBearerAuth()
@Controller('v1/tools')
export class ToolsController {
  private readonly store: ToolStore;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(SERVICE_OPTIONS) options: ServiceOptions,
    private readonly entities: EntityCache,
  ) {
    this.store = new ToolStore(pool, options.schema);
  }

  @Post('import')
  @AllowRoles('platform', 'security', 'ai-engineering')
  async import(@CurrentPrincipal() principal: Principal, @Body() body: ImportToolsBody) {
    let actions;
    try {
      actions = generateToolActions(body.tools);
    } catch (error) {
      throw new AppError('invalid_argument', (error as Error).message, 'tools');
    }
    await this.store.upsert(
      principal.tenantId,
      body.mcpServer,
      body.tools.map((tool, i) => ({ tool, hash: actions[i].definitionHash })),
      `${principal.role}:${principal.keyId}`,
    );
    await this.entities.upsert(
      principal.tenantId,
      actions.map((a) => ({
        uid: { type: 'Tool', id: a.toolName },
        attrs: { definitionHash: a.definitionHash },
        parents: body.mcpServer ? [{ type: 'McpServer', id: body.mcpServer }] : [],
      })),
    );
    return {
      imported: actions.map((a) => ({ tool: a.toolName, action: a.actionId, definitionHash: a.definitionHash, untypedArguments: a.untypedArguments })),
      note: 'publish and activate a bundle to use the generated tool actions',
    };
  }

  @Get()
  async list(@CurrentPrincipal() principal: Principal) {
    return { tools: await this.store.list(principal.tenantId) };
  }
}
