/** What the inventory (or the request) says about an agent's tool scope and a tool's pinned definition. */
export interface ToolBindingInput {
  toolName: string;
  /** The agent's declared tool scope; undefined when neither inventory nor request declares one. */
  agentToolScope?: readonly string[];
  /** Definition hash pinned in the inventory for this tool. */
  pinnedDefinitionHash?: string;
  /** Definition hash the runtime actually loaded. */
  observedDefinitionHash?: string;
  /** True when the inventory saw the MCP server announce a definition other than the pinned one and the tool has not been pinned again since. */
  definitionDrifted?: boolean;
}

export interface ToolBindingResult {
  inScope: boolean;
  pinned: boolean;
  /** Set when the runtime loaded a definition other than the pinned one: the tool changed under the agent. */
  drifted: boolean;
}

/**
 * A tool is in scope only when a scope is declared and names it; an agent
 * without a declared scope is out of scope for every tool, so an
 * unregistered agent cannot reach tools by default.
 */
export function checkToolBinding(input: ToolBindingInput): ToolBindingResult {
  const inScope = input.agentToolScope?.includes(input.toolName) ?? false;
  const known = input.pinnedDefinitionHash !== undefined && input.observedDefinitionHash !== undefined;
  const mismatch = known && input.pinnedDefinitionHash !== input.observedDefinitionHash;
  // Inventory drift fails the check whatever hash the caller reports, until a new pin clears it.
  const drifted = mismatch || input.definitionDrifted === true;
  return { inScope, pinned: known && !drifted, drifted };
}
