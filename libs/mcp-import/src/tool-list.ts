import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { ImportIssue, ImportRejected, isPlainObject } from './import-error';

/** The fields of an MCP tool definition that change what a model reads or may send; all are hashed. */
export const PINNED_TOOL_FIELDS = ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations'] as const;

export interface ToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

export interface PinnedTool {
  definition: ToolDefinition;
  /** SHA-256 (hex) of the RFC 8785 canonical JSON of the pinned fields. */
  hash: string;
  /** Hash of each pinned field alone, so a later import can report which fields changed. */
  fieldHashes: Record<string, string>;
}

/**
 * Parses the result of an MCP `tools/list` call (`{tools: [...]}`, or the
 * JSON-RPC response around it). Rejects the whole list on any bad tool or a
 * duplicate name, because a partial pin would hide a change.
 */
export function parseToolList(document: unknown): ToolDefinition[] {
  const result = isPlainObject(document) && isPlainObject(document.result) ? document.result : document;
  if (!isPlainObject(result) || !Array.isArray(result.tools)) {
    throw new ImportRejected('a tools/list result must be an object with a "tools" array');
  }
  const issues: ImportIssue[] = [];
  const seen = new Set<string>();
  const tools: ToolDefinition[] = [];
  result.tools.forEach((tool, i) => {
    if (!isPlainObject(tool) || typeof tool.name !== 'string' || tool.name === '') {
      issues.push({ path: `/tools/${i}/name`, message: 'each tool needs a non-empty string name' });
      return;
    }
    if (!isPlainObject(tool.inputSchema)) issues.push({ path: `/tools/${i}/inputSchema`, message: 'each tool needs an inputSchema object' });
    if (seen.has(tool.name)) issues.push({ path: `/tools/${i}/name`, message: `tool name "${tool.name}" appears twice` });
    seen.add(tool.name);
    tools.push(pick(tool));
  });
  if (issues.length > 0) throw new ImportRejected(`tools/list result is invalid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
  return tools;
}

function pick(tool: Record<string, unknown>): ToolDefinition {
  const definition: ToolDefinition = { name: tool.name as string, inputSchema: tool.inputSchema as Record<string, unknown> };
  if (typeof tool.title === 'string') definition.title = tool.title;
  if (typeof tool.description === 'string') definition.description = tool.description;
  if (isPlainObject(tool.outputSchema)) definition.outputSchema = tool.outputSchema;
  if (isPlainObject(tool.annotations)) definition.annotations = tool.annotations;
  return definition;
}

export function sha256Canonical(value: unknown): string {
  return createHash('sha256').update(canonicalize(value) ?? 'null').digest('hex');
}

export function pinTool(definition: ToolDefinition): PinnedTool {
  const pinned: Record<string, unknown> = {};
  const fieldHashes: Record<string, string> = {};
  for (const field of PINNED_TOOL_FIELDS) {
    const value = definition[field] ?? null;
    pinned[field] = value;
    fieldHashes[field] = sha256Canonical(value);
  }
  return { definition, hash: sha256Canonical(pinned), fieldHashes };
}

/** Hash over the whole tool set, order-free: catches an added or removed tool that per-tool hashes miss. */
export function toolSetHash(tools: PinnedTool[]): string {
  return sha256Canonical(tools.map((t) => ({ name: t.definition.name, hash: t.hash })).sort((a, b) => (a.name < b.name ? -1 : 1)));
}

export interface ToolSetDiff {
  addedTools: string[];
  removedTools: string[];
  changedTools: Array<{ name: string; changedFields: string[]; pinnedHash: string; observedHash: string }>;
}

/** Compares pinned tools (name to field hashes and hash) with a new import. */
export function diffToolSets(pinned: Map<string, { hash: string; fieldHashes: Record<string, string> }>, observed: PinnedTool[]): ToolSetDiff {
  const observedNames = new Set(observed.map((t) => t.definition.name));
  const diff: ToolSetDiff = {
    addedTools: observed.filter((t) => !pinned.has(t.definition.name)).map((t) => t.definition.name).sort(),
    removedTools: [...pinned.keys()].filter((name) => !observedNames.has(name)).sort(),
    changedTools: [],
  };
  for (const tool of observed) {
    const before = pinned.get(tool.definition.name);
    if (!before || before.hash === tool.hash) continue;
    const changedFields = PINNED_TOOL_FIELDS.filter((f) => before.fieldHashes[f] !== tool.fieldHashes[f]);
    diff.changedTools.push({ name: tool.definition.name, changedFields, pinnedHash: before.hash, observedHash: tool.hash });
  }
  diff.changedTools.sort((a, b) => (a.name < b.name ? -1 : 1));
  return diff;
}

export function isEmptyDiff(diff: ToolSetDiff): boolean {
  return diff.addedTools.length === 0 && diff.removedTools.length === 0 && diff.changedTools.length === 0;
}

/** Returns true unless the tool's annotations mark it read-only, because MCP treats a tool without readOnlyHint as one that may change state. */
export function hasSideEffect(definition: ToolDefinition): boolean {
  const annotations = definition.annotations ?? {};
  return annotations.readOnlyHint !== true;
}
