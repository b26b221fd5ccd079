import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@estate/access';
import { AllowRoles, CurrentPrincipal } from '@estate/service-kit';
import { INVENTORY_WRITERS } from '../assets/assets.controller';
import { ImportMcpConfigRequest, ImportServerJsonRequest, ImportToolListRequest } from './import.dto';
import { McpImports } from './mcp-imports';
import { ToolImports } from './tool-imports';

@ApiTags('imports')
@ApiBearerAuth()
@AllowRoles(...INVENTORY_WRITERS)
@Controller('v1')
export class ImportsController {
  constructor(
    private readonly mcp: McpImports,
    private readonly tools: ToolImports,
  ) {}

  /** Imports a Claude Desktop, Claude Code, Cursor, VS Code or Windsurf MCP config; secret values are dropped, names kept. */
  @Post('imports/mcp-config')
  importMcpConfig(@Body() request: ImportMcpConfigRequest, @CurrentPrincipal() principal: Principal) {
    return this.mcp.importClientConfig(principal, request);
  }

  /** Imports an MCP registry server.json after validating it against the schema its `$schema` names. */
  @Post('imports/server-json')
  importServerJson(@Body() request: ImportServerJsonRequest, @CurrentPrincipal() principal: Principal) {
    return this.mcp.importServerJson(principal, request);
  }

  /** Pins a server's tools/list result, or records drift from the pinned set. */
  @Post('assets/:id/tools')
  importTools(@Param('id') id: string, @Body() request: ImportToolListRequest, @CurrentPrincipal() principal: Principal) {
    return this.tools.importToolList(principal, id, request);
  }
}
