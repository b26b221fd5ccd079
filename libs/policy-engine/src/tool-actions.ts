import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** One tool as an MCP server lists it (`tools/list`): name, description and JSON Schema input. */
export interface McpTool {
  name: string;
  description?: string;
  inputSchema?: JsonSchema;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  [keyword: string]: unknown;
}

/**
 * A Cedar action generated for one tool. `argumentsType` is the Cedar record
 * type of its input, so policies can test `context.arguments.<field>`.
 */
export interface ToolAction {
  toolName: string;
  actionId: string;
  argumentsType: string;
  /** Hex SHA-256 of the canonical JSON of the tool definition, as pinned at import. */
  definitionHash: string;
  /** Argument paths left out of the Cedar type because Cedar has no equivalent (floats, null, unions). */
  untypedArguments: string[];
}

const TOOL_NAME = /^[A-Za-z0-9_.\-/]{1,128}$/;

export const toolActionId = (toolName: string): string => `tool:${toolName}`;

/** Hashes a JSON value by its RFC 8785 canonical form, so key order and spacing do not change it. */
export function canonicalHash(value: unknown): string {
  return hash('sha256', canonicalize(value) ?? 'null');
}

/** Generates one Cedar action per tool; throws on a name Cedar or the decision API cannot carry. */
export function generateToolActions(tools: readonly McpTool[]): ToolAction[] {
  const seen = new Set<string>();
  return tools.map((tool, index) => {
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
      throw new Error(`tools[${index}].name must be 1 to 128 letters, digits or _ . - /; got ${JSON.stringify(tool.name)}`);
    }
    if (seen.has(tool.name)) throw new Error(`tools[${index}].name "${tool.name}" appears twice; tool names must be unique`);
    seen.add(tool.name);
    const untyped: string[] = [];
    const argumentsType = recordType(tool.inputSchema ?? { type: 'object', properties: {} }, 'arguments', untyped);
    return {
      toolName: tool.name,
      actionId: toolActionId(tool.name),
      argumentsType,
      definitionHash: canonicalHash(tool),
      untypedArguments: untyped,
    };
  });
}

function recordType(schema: JsonSchema, path: string, untyped: string[]): string {
  const required = new Set(schema.required ?? []);
  const fields: string[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const type = cedarType(property, `${path}.${name}`, untyped);
    if (!type) continue;
    fields.push(`${JSON.stringify(name)}${required.has(name) ? '' : '?'}: ${type}`);
  }
  return `{ ${fields.join(', ')} }`;
}

function cedarType(schema: JsonSchema, path: string, untyped: string[]): string | undefined {
  switch (schema.type) {
    case 'string':
      return 'String';
    case 'integer':
      return 'Long';
    case 'boolean':
      return 'Bool';
    case 'array': {
      const element = schema.items ? cedarType(schema.items, `${path}[]`, untyped) : undefined;
      if (element) return `Set<${element}>`;
      break;
    }
    case 'object':
      return recordType(schema, path, untyped);
  }
  untyped.push(path);
  return undefined;
}

/**
 * Keeps only the argument values the tool action's Cedar type declares, so
 * the engine's request validation accepts them; the arguments hash is taken
 * over the full arguments before this.
 */
export function typedArguments(schema: JsonSchema | undefined, value: unknown): unknown {
  if (!schema) return {};
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'integer':
      return Number.isSafeInteger(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'array':
      if (!Array.isArray(value) || !schema.items) return undefined;
      return value.map((item) => typedArguments(schema.items, item)).filter((item) => item !== undefined);
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        const typed = typedArguments(property, (value as Record<string, unknown>)[name]);
        if (typed !== undefined) out[name] = typed;
      }
      return out;
    }
  }
  return undefined;
}
