import { AssetKind, DATA_CLASSIFICATIONS, DataClassification, sensitivityRank } from './kinds';
import { ReachGraph } from './reach-graph';
import { RelationshipType } from './relationship-rules';

export interface ReachQuery {
  /** Start at these assets; the caller resolves "every agent in an environment" to ids with `agentsIn`. */
  startIds: string[];
  /** Report targets at or above this classification; tools with side effects and output channels are reported at any level. */
  minSensitivity: DataClassification;
  maxDepth: number;
  maxPaths: number;
  /** Upper bound on edges expanded, so one query cannot run away on a dense graph. */
  maxExpansions: number;
  /** Exception windows count as open at this instant (epoch milliseconds). */
  at: number;
}

export const REACH_LIMITS = { defaultDepth: 6, maxDepth: 12, defaultPaths: 500, maxPaths: 5000, maxExpansions: 200_000 } as const;

export interface PathNode {
  id: string;
  kind: AssetKind;
  name: string;
}

export interface ReachPath {
  nodes: PathNode[];
  /** Relationship types between consecutive nodes; one fewer than the nodes. */
  relationships: RelationshipType[];
  target: PathNode & { dataClassification: string | null; sideEffect: boolean };
  controls: { policyClasses: string[]; approvalGates: PathNode[]; openExceptionWindows: PathNode[] };
  /** True when the target is sensitive data or a side effect and no asset on the path is gated by an approval path. */
  ungated: boolean;
}

export interface ReachResult {
  paths: ReachPath[];
  limits: { maxDepth: number; maxPaths: number; maxExpansions: number };
  /** Why the enumeration stopped early, or null when every path within the depth was listed. */
  truncatedBy: 'maxPaths' | 'maxExpansions' | null;
  unknownStartIds: string[];
}

const TARGET_KINDS: ReadonlySet<AssetKind> = new Set(['tool', 'dataset', 'output-channel']);

/** Ids of every agent in an environment, the usual start set of an estate-wide reach query. */
export function agentsIn(graph: ReachGraph, environment: string): string[] {
  return graph.nodes.filter((n) => n.kind === 'agent' && n.environment === environment).map((n) => n.id);
}

/**
 * Enumerates simple paths (no asset twice) along flow relationships from each
 * start asset to tools, datasets and output channels that are sensitive or
 * have side effects, depth first. Paths continue past a target, so a tool
 * that reads a restricted dataset yields both. Enumeration is bounded by
 * depth, path count and expansions, and the result says which bound hit.
 */
export function searchReach(graph: ReachGraph, query: ReachQuery): ReachResult {
  const minRank = sensitivityRank(query.minSensitivity);
  const paths: ReachPath[] = [];
  const unknownStartIds: string[] = [];
  const onPath = new Uint8Array(graph.nodes.length);
  const stack: number[] = [];
  const edgeTypes: number[] = [];
  let expansions = 0;
  let truncatedBy: ReachResult['truncatedBy'] = null;

  const isTarget = (index: number): boolean => {
    if (!TARGET_KINDS.has(graph.kindOf(index))) return false;
    const node = graph.nodes[index];
    return graph.sensitivity[index] >= minRank || node.sideEffect === true || node.kind === 'output-channel';
  };

  const visit = (index: number): void => {
    if (truncatedBy) return;
    if (stack.length > 1 && isTarget(index)) {
      paths.push(describePath(graph, stack, edgeTypes, minRank, query.at));
      if (paths.length >= query.maxPaths) {
        truncatedBy = 'maxPaths';
        return;
      }
    }
    if (stack.length > query.maxDepth) return;
    for (let e = graph.flowOffsets[index]; e < graph.flowOffsets[index + 1]; e++) {
      if (++expansions > query.maxExpansions) {
        truncatedBy = 'maxExpansions';
        return;
      }
      const next = graph.flowTargets[e];
      if (onPath[next]) continue;
      onPath[next] = 1;
      stack.push(next);
      edgeTypes.push(graph.flowTypes[e]);
      visit(next);
      stack.pop();
      edgeTypes.pop();
      onPath[next] = 0;
      if (truncatedBy) return;
    }
  };

  for (const id of query.startIds) {
    const start = graph.indexOf(id);
    if (start === undefined) {
      unknownStartIds.push(id);
      continue;
    }
    onPath[start] = 1;
    stack.push(start);
    visit(start);
    stack.pop();
    onPath[start] = 0;
    if (truncatedBy) break;
  }
  return { paths, limits: { maxDepth: query.maxDepth, maxPaths: query.maxPaths, maxExpansions: query.maxExpansions }, truncatedBy, unknownStartIds };
}

function describePath(graph: ReachGraph, stack: number[], edgeTypes: number[], minRank: number, at: number): ReachPath {
  const policyClasses = new Set<string>();
  const gates = new Map<string, PathNode>();
  const windows = new Map<string, PathNode>();
  for (const index of stack) {
    const own = graph.nodes[index].policyClass;
    if (own) policyClasses.add(own);
    for (let c = graph.controlOffsets[index]; c < graph.controlOffsets[index + 1]; c++) {
      const control = graph.nodes[graph.controlTargets[c]];
      if (control.kind === 'policy-class') policyClasses.add(control.name);
      else if (control.kind === 'approval-path') gates.set(control.id, pathNode(graph, graph.controlTargets[c]));
      else if (control.kind === 'exception-window' && isOpen(control.opensAt, control.closesAt, at)) {
        windows.set(control.id, pathNode(graph, graph.controlTargets[c]));
      }
    }
  }
  const targetIndex = stack[stack.length - 1];
  const target = graph.nodes[targetIndex];
  const sensitive = graph.sensitivity[targetIndex] >= Math.max(minRank, DATA_CLASSIFICATIONS.indexOf('confidential'));
  const sideEffect = target.sideEffect === true || target.kind === 'output-channel';
  return {
    nodes: stack.map((i) => pathNode(graph, i)),
    relationships: edgeTypes.map((code) => graph.typeName(code)),
    target: { ...pathNode(graph, targetIndex), dataClassification: target.dataClassification ?? null, sideEffect },
    controls: { policyClasses: [...policyClasses].sort(), approvalGates: [...gates.values()], openExceptionWindows: [...windows.values()] },
    ungated: (sensitive || sideEffect) && gates.size === 0,
  };
}

function pathNode(graph: ReachGraph, index: number): PathNode {
  const node = graph.nodes[index];
  return { id: node.id, kind: node.kind, name: node.name };
}

function isOpen(opensAt: number | null | undefined, closesAt: number | null | undefined, at: number): boolean {
  return (opensAt == null || opensAt <= at) && (closesAt == null || at < closesAt);
}
