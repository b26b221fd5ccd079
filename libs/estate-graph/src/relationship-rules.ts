import { RELATIONSHIP_TYPES, RelationshipType } from '@estate/contracts';
import { ASSET_KINDS, AssetKind } from './kinds';

export { RELATIONSHIP_TYPES };
export type { RelationshipType };

/**
 * How a relationship type takes part in a reach query: `flow` edges are
 * followed from an agent towards what it can touch, `control` edges attach a
 * control (policy class, approval gate, exception window) to the asset they
 * start from, and `structural` edges are neither.
 */
export type EdgeRole = 'flow' | 'control' | 'structural';

export interface RelationshipRule {
  from: readonly AssetKind[];
  to: readonly AssetKind[];
  role: EdgeRole;
  description: string;
}

const ANY: readonly AssetKind[] = ASSET_KINDS;
const MODEL_SIDE: readonly AssetKind[] = ['model', 'model-version', 'deployment', 'model-route'];

/** Relationship types with the kinds each may join. Wire values: add new types, never rename one. */
export const RELATIONSHIP_RULES = {
  uses: { from: ['agent', 'workflow'], to: [...MODEL_SIDE, 'prompt', 'prompt-version', 'mcp-server'], role: 'flow', description: 'an agent uses a model route, model, prompt or MCP server' },
  'routes-to': { from: ['model-route'], to: ['deployment', 'model', 'model-version'], role: 'flow', description: 'a model route sends requests to a deployment or model' },
  deploys: { from: ['deployment'], to: ['model', 'model-version'], role: 'structural', description: 'a deployment serves a model version' },
  'version-of': { from: ['model-version', 'prompt-version'], to: ['model', 'prompt'], role: 'structural', description: 'a version belongs to its model or prompt' },
  calls: { from: ['agent'], to: ['tool'], role: 'flow', description: 'an agent calls a tool' },
  exposes: { from: ['mcp-server'], to: ['tool'], role: 'flow', description: 'an MCP server exposes a tool' },
  reads: { from: ['tool', 'agent', 'model-route', 'workflow'], to: ['dataset'], role: 'flow', description: 'a tool or agent reads a dataset (retrieval included)' },
  writes: { from: ['tool', 'agent', 'workflow'], to: ['dataset', 'output-channel'], role: 'flow', description: 'a tool or agent writes a dataset or output channel' },
  feeds: { from: ['dataset', 'tool', 'agent', 'model-route'], to: ['output-channel'], role: 'flow', description: 'a retrieval or result feeds an output channel' },
  'delegates-to': { from: ['agent'], to: ['agent'], role: 'flow', description: 'an agent hands work to another agent' },
  includes: { from: ['workflow'], to: ['agent', 'prompt', 'prompt-version', 'tool', 'workflow'], role: 'flow', description: 'a workflow includes agents, prompts and tools' },
  drives: { from: ['prompt', 'prompt-version'], to: ['tool'], role: 'flow', description: 'a prompt drives a tool call' },
  'governed-by': { from: ANY, to: ['policy-class'], role: 'control', description: 'any asset is governed by a policy class' },
  'gated-by': { from: ['agent', 'tool', 'workflow', 'output-channel', 'dataset'], to: ['approval-path'], role: 'control', description: 'an action is gated by an approval path' },
  'excepted-by': { from: ANY, to: ['exception-window'], role: 'control', description: 'an asset has an exception window open against its policy' },
  'owned-by': { from: ANY, to: ['team'], role: 'structural', description: 'a team owns the asset' },
  'bundled-in': { from: ['policy-class'], to: ['policy-bundle'], role: 'structural', description: 'a policy class is defined in a policy bundle' },
  'limited-by': { from: ANY, to: ['budget'], role: 'structural', description: 'spend of the asset counts against a budget' },
} as const satisfies Record<RelationshipType, RelationshipRule>;


/** Returns why a relationship between these kinds is invalid, naming the allowed kinds, or undefined when it is allowed. */
export function checkRelationship(type: RelationshipType, fromKind: AssetKind, toKind: AssetKind): string | undefined {
  const rule: RelationshipRule = RELATIONSHIP_RULES[type];
  if (!rule.from.includes(fromKind)) {
    return `${article(type)} "${type}" relationship cannot start at ${article(fromKind)} ${fromKind}; it may start at: ${rule.from.join(', ')}`;
  }
  if (!rule.to.includes(toKind)) {
    return `${article(type)} "${type}" relationship from ${article(fromKind)} ${fromKind} cannot end at ${article(toKind)} ${toKind}; it may end at: ${rule.to.join(', ')}`;
  }
  return undefined;
}

export function edgeRole(type: RelationshipType): EdgeRole {
  return RELATIONSHIP_RULES[type].role;
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');
