/**
 * Reach query benchmark: builds the in-memory reach index of a generated
 * estate (default 100,000 assets and 1,000,000 relationships) and times
 * single-agent and whole-environment reach queries with the API's default
 * bounds. Prints p50, p99 and max in milliseconds and ends with a BENCH_RESULT line.
 * Sizes: REACH_ASSETS, REACH_RELATIONSHIPS, REACH_QUERIES.
 */
import { performance } from 'node:perf_hooks';
import { AssetKind, RelationshipType } from '@estate/contracts';
import { agentsIn, checkRelationship, REACH_LIMITS, ReachEdge, ReachGraph, ReachNode, searchReach } from '@estate/estate-graph';
import { printBenchResult, sizeFromEnv } from './suite/bench-result';

const ASSETS = sizeFromEnv('REACH_ASSETS', 100_000);
const RELATIONSHIPS = sizeFromEnv('REACH_RELATIONSHIPS', 1_000_000);
const QUERIES = sizeFromEnv('REACH_QUERIES', 2_000);

/** Share of the estate per kind; the rest of the asset budget goes to tools and datasets. */
const MIX: Array<[AssetKind, number]> = [
  ['agent', 0.05], ['mcp-server', 0.02], ['tool', 0.35], ['dataset', 0.35], ['output-channel', 0.05], ['model-route', 0.01],
  ['deployment', 0.01], ['approval-path', 0.01], ['policy-class', 0.005], ['exception-window', 0.005], ['workflow', 0.04], ['prompt', 0.1],
];

/** Relationship types with their weight in the generated edge mix. */
const EDGE_MIX: Array<[RelationshipType, AssetKind, AssetKind, number]> = [
  ['calls', 'agent', 'tool', 0.18], ['uses', 'agent', 'mcp-server', 0.02], ['uses', 'agent', 'model-route', 0.01], ['delegates-to', 'agent', 'agent', 0.01],
  ['exposes', 'mcp-server', 'tool', 0.04], ['reads', 'tool', 'dataset', 0.3], ['writes', 'tool', 'dataset', 0.08], ['writes', 'tool', 'output-channel', 0.03],
  ['feeds', 'dataset', 'output-channel', 0.08], ['includes', 'workflow', 'agent', 0.03], ['drives', 'prompt', 'tool', 0.05],
  ['governed-by', 'tool', 'policy-class', 0.06], ['gated-by', 'tool', 'approval-path', 0.04], ['excepted-by', 'agent', 'exception-window', 0.01],
  ['routes-to', 'model-route', 'deployment', 0.01], ['governed-by', 'dataset', 'policy-class', 0.05],
];

/** Deterministic generator (mulberry32) so every run measures the same estate. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(): { nodes: ReachNode[]; edges: ReachEdge[] } {
  const next = random(42);
  const environments = ['prod', 'staging', 'dev'];
  const classifications = ['public', 'internal', 'confidential', 'restricted'];
  const nodes: ReachNode[] = [];
  const byKind = new Map<AssetKind, number[]>();
  for (const [kind, share] of MIX) {
    const ids: number[] = [];
    for (let i = 0; i < Math.round(ASSETS * share); i++) {
      ids.push(nodes.length);
      nodes.push({
        id: `${kind}-${i}`,
        kind,
        name: `${kind} ${i}`,
        environment: environments[Math.floor(next() * 3)],
        dataClassification: kind === 'dataset' ? classifications[Math.floor(next() * 4)] : null,
        sideEffect: kind === 'tool' && next() < 0.3,
        opensAt: kind === 'exception-window' ? 0 : null,
        closesAt: kind === 'exception-window' ? Number.MAX_SAFE_INTEGER : null,
      });
    }
    byKind.set(kind, ids);
  }
  const totalWeight = EDGE_MIX.reduce((sum, [, , , w]) => sum + w, 0);
  const edges: ReachEdge[] = [];
  for (const [type, fromKind, toKind, weight] of EDGE_MIX) {
    if (checkRelationship(type, fromKind, toKind)) throw new Error(`benchmark edge mix has an invalid pair: ${type} ${fromKind} -> ${toKind}`);
    const from = byKind.get(fromKind)!;
    const to = byKind.get(toKind)!;
    const count = Math.round((RELATIONSHIPS * weight) / totalWeight);
    for (let i = 0; i < count; i++) {
      edges.push({ type, fromId: nodes[from[Math.floor(next() * from.length)]].id, toId: nodes[to[Math.floor(next() * to.length)]].id });
    }
  }
  return { nodes, edges };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function timeQueries(graph: ReachGraph, starts: string[][]): { p50: number; p99: number; max: number; meanPaths: number; truncated: number } {
  const durations: number[] = [];
  let paths = 0;
  let truncated = 0;
  for (const startIds of starts) {
    const began = performance.now();
    const result = searchReach(graph, {
      startIds,
      minSensitivity: 'confidential',
      maxDepth: REACH_LIMITS.defaultDepth,
      maxPaths: REACH_LIMITS.defaultPaths,
      maxExpansions: REACH_LIMITS.maxExpansions,
      at: Date.now(),
    });
    durations.push(performance.now() - began);
    paths += result.paths.length;
    if (result.truncatedBy) truncated++;
  }
  durations.sort((a, b) => a - b);
  return { p50: percentile(durations, 50), p99: percentile(durations, 99), max: durations[durations.length - 1], meanPaths: paths / starts.length, truncated };
}

function main(): void {
  const generated = generate();
  const buildStarted = performance.now();
  const graph = new ReachGraph(generated.nodes, generated.edges);
  const buildMs = performance.now() - buildStarted;
  const agents = graph.nodes.filter((n) => n.kind === 'agent').map((n) => n.id);
  const pick = random(7);
  const single = timeQueries(graph, Array.from({ length: QUERIES }, () => [agents[Math.floor(pick() * agents.length)]]));
  const environment = timeQueries(graph, Array.from({ length: Math.max(1, Math.floor(QUERIES / 20)) }, (_, i) => agentsIn(graph, ['prod', 'staging', 'dev'][i % 3])));

  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  process.stdout.write(`estate: ${graph.nodes.length} assets, ${generated.edges.length} relationships; index built in ${round(buildMs)} ms\n`);
  process.stdout.write(`single agent (${QUERIES} queries): p50 ${round(single.p50)} ms, p99 ${round(single.p99)} ms, max ${round(single.max)} ms, mean paths ${round(single.meanPaths)}, truncated ${single.truncated}\n`);
  process.stdout.write(`whole environment: p50 ${round(environment.p50)} ms, p99 ${round(environment.p99)} ms, max ${round(environment.max)} ms, truncated ${environment.truncated}\n`);
  printBenchResult({
    benchmark: 'reach-query', assets: graph.nodes.length, relationships: generated.edges.length, indexBuildMs: round(buildMs),
    singleP50Ms: round(single.p50), singleP99Ms: round(single.p99), singleMaxMs: round(single.max),
    environmentP50Ms: round(environment.p50), environmentP99Ms: round(environment.p99), environmentMaxMs: round(environment.max),
  });
}

main();
