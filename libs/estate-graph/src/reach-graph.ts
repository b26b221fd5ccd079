import { ASSET_KINDS, AssetKind, sensitivityRank } from './kinds';
import { edgeRole, RELATIONSHIP_TYPES, RelationshipType } from './relationship-rules';

/** What the reach index needs to know of an asset. */
export interface ReachNode {
  id: string;
  kind: AssetKind;
  name: string;
  environment?: string | null;
  dataClassification?: string | null;
  policyClass?: string | null;
  /** True for tools and channels whose use changes something outside (a write, a message, a payment). */
  sideEffect?: boolean;
  /** For exception windows: when the window opens and closes, in epoch milliseconds. */
  opensAt?: number | null;
  closesAt?: number | null;
}

export interface ReachEdge {
  type: RelationshipType;
  fromId: string;
  toId: string;
}

const KIND_CODE = new Map<AssetKind, number>(ASSET_KINDS.map((k, i) => [k, i]));
const TYPE_CODE = new Map<RelationshipType, number>(RELATIONSHIP_TYPES.map((t, i) => [t, i]));

/**
 * An immutable adjacency index of one tenant's estate in compressed sparse
 * row form: flow edges as (offsets, targets, types) and, per node, the
 * control assets attached to it. Nodes are dense integers so a search
 * allocates nothing per visited edge. Edges whose ends are unknown are left
 * out, because a relationship to a retired or unregistered asset cannot be
 * traversed.
 */
export class ReachGraph {
  readonly nodes: ReachNode[];
  readonly kind: Uint8Array;
  readonly sensitivity: Int8Array;
  readonly flowOffsets: Int32Array;
  readonly flowTargets: Int32Array;
  readonly flowTypes: Uint8Array;
  /** Control asset indices per node, as a CSR pair like the flow edges. */
  readonly controlOffsets: Int32Array;
  readonly controlTargets: Int32Array;
  private readonly indexById: Map<string, number>;

  constructor(nodes: ReachNode[], edges: ReachEdge[]) {
    this.nodes = nodes;
    this.indexById = new Map(nodes.map((n, i) => [n.id, i]));
    this.kind = new Uint8Array(nodes.length);
    this.sensitivity = new Int8Array(nodes.length);
    nodes.forEach((n, i) => {
      this.kind[i] = KIND_CODE.get(n.kind) ?? 0;
      this.sensitivity[i] = sensitivityRank(n.dataClassification);
    });

    const flow: number[] = [];
    const control: number[] = [];
    for (const edge of edges) {
      const from = this.indexById.get(edge.fromId);
      const to = this.indexById.get(edge.toId);
      if (from === undefined || to === undefined) continue;
      const role = edgeRole(edge.type);
      if (role === 'flow') flow.push(from, to, TYPE_CODE.get(edge.type) ?? 0);
      else if (role === 'control') control.push(from, to, 0);
    }
    [this.flowOffsets, this.flowTargets, this.flowTypes] = toCsr(nodes.length, flow);
    [this.controlOffsets, this.controlTargets] = toCsr(nodes.length, control);
  }

  indexOf(id: string): number | undefined {
    return this.indexById.get(id);
  }

  kindOf(index: number): AssetKind {
    return ASSET_KINDS[this.kind[index]];
  }

  typeName(code: number): RelationshipType {
    return RELATIONSHIP_TYPES[code];
  }

  get edgeCount(): number {
    return this.flowTargets.length + this.controlTargets.length;
  }
}

/** Sorts (from, to, tag) triples by `from` with a counting sort into offsets, targets and tags. */
function toCsr(nodeCount: number, triples: number[]): [Int32Array, Int32Array, Uint8Array] {
  const edgeCount = triples.length / 3;
  const offsets = new Int32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) offsets[triples[e * 3] + 1]++;
  for (let i = 0; i < nodeCount; i++) offsets[i + 1] += offsets[i];
  const cursor = offsets.slice(0, nodeCount);
  const targets = new Int32Array(edgeCount);
  const tags = new Uint8Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    const slot = cursor[triples[e * 3]]++;
    targets[slot] = triples[e * 3 + 1];
    tags[slot] = triples[e * 3 + 2];
  }
  return [offsets, targets, tags];
}
