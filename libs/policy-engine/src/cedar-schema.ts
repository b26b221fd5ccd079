import { ToolAction } from './tool-actions';

/** The actions every bundle knows; imported MCP tools add one `tool:<name>` action each under `invoke_tool`. */
export const BASE_ACTIONS = ['invoke_tool', 'read_dataset', 'write_dataset', 'call_model', 'send_output'] as const;
export type BaseAction = (typeof BASE_ACTIONS)[number];

/** The Cedar entity type each base action applies to. */
export const RESOURCE_TYPE_OF: Record<BaseAction, string> = {
  invoke_tool: 'Tool',
  read_dataset: 'Dataset',
  write_dataset: 'Dataset',
  call_model: 'ModelRoute',
  send_output: 'OutputChannel',
};

export const PRINCIPAL_TYPES = ['Agent', 'User'] as const;

/**
 * Context attributes the decision point always fills, so policies never need
 * a `has` test for them. Runtime checks compute the findings before the
 * engine runs.
 */
const CONTEXT_FIELDS = `
    environment: String,
    policyClass: String,
    budgetState: String,
    toolInScope: Bool,
    toolDefinitionPinned: Bool,
    promptInjection: Bool,
    piiKinds: Set<String>,
    secretKinds: Set<String>,
    outputValid: Bool`;

const ENTITY_TYPES = `
entity Team;
entity PolicyClass;
entity Environment { tier?: String };
entity User in [Team] { roles?: Set<String>, email?: String };
entity Agent in [Team] { environment?: String, policyClass?: String, owner?: String, toolScope?: Set<String> };
entity McpServer { environment?: String, owner?: String };
entity Tool in [McpServer] { sideEffects?: Bool, definitionHash?: String, definitionDrifted?: Bool, environment?: String };
entity Dataset { classification?: String, environment?: String, containsPii?: Bool };
entity ModelRoute { provider?: String, region?: String, external?: Bool };
entity OutputChannel { customerFacing?: Bool };
`;

/** Builds the Cedar schema text for the base entities and actions plus the given tool actions. */
export function buildCedarSchema(toolActions: readonly ToolAction[] = []): string {
  const lines = [ENTITY_TYPES, `type DecisionContext = {${CONTEXT_FIELDS}\n};`];
  for (const action of BASE_ACTIONS) {
    lines.push(
      `action ${action} appliesTo { principal: [${PRINCIPAL_TYPES.join(', ')}], resource: [${RESOURCE_TYPE_OF[action]}], context: DecisionContext };`,
    );
  }
  for (const tool of toolActions) {
    lines.push(
      `action ${JSON.stringify(tool.actionId)} in [Action::"invoke_tool"] appliesTo {\n` +
        `  principal: [${PRINCIPAL_TYPES.join(', ')}], resource: [Tool],\n` +
        `  context: {${CONTEXT_FIELDS},\n    arguments: ${tool.argumentsType}\n  }\n};`,
    );
  }
  return lines.join('\n');
}
