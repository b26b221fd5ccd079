import { ident } from '@estate/projection';
import { McpTool } from '@estate/policy-engine';
import type { Pool } from 'pg';

/** MCP tool definitions imported per tenant; bundles published afterwards get one Cedar action per tool. */
export class ToolStore {
  private readonly s: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = ident(schema);
  }

  /** Upserts the whole list in one statement, so an import is applied entirely or not at all. */
  async upsert(tenantId: string, server: string | undefined, tools: Array<{ tool: McpTool; hash: string }>, actor: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.s}.tool_definitions (tenant_id, tool_name, mcp_server, definition, definition_hash, imported_by, imported_at)
       SELECT $1, t.name, $2, t.definition, t.hash, $3, now()
         FROM unnest($4::text[], $5::jsonb[], $6::text[]) AS t(name, definition, hash)
       ON CONFLICT (tenant_id, tool_name) DO UPDATE
         SET mcp_server = EXCLUDED.mcp_server, definition = EXCLUDED.definition, definition_hash = EXCLUDED.definition_hash,
             imported_by = EXCLUDED.imported_by, imported_at = EXCLUDED.imported_at`,
      [tenantId, server ?? null, actor, tools.map((t) => t.tool.name), tools.map((t) => JSON.stringify(t.tool)), tools.map((t) => t.hash)],
    );
  }

  async list(tenantId: string): Promise<McpTool[]> {
    const { rows } = await this.pool.query<{ definition: McpTool }>(
      `SELECT definition FROM ${this.s}.tool_definitions WHERE tenant_id = $1 ORDER BY tool_name`,
      [tenantId],
    );
    return rows.map((r) => r.definition);
  }
}
