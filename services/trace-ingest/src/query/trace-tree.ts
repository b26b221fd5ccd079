/** A stored span as the query API returns it, with its children nested. */
export interface SpanNode {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  step: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNanos: string;
  status: string;
  statusMessage: string | null;
  context: Record<string, unknown>;
  usage: Record<string, number> | null;
  reportedCost: Record<string, string> | null;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  events: unknown[] | null;
  scope: string | null;
  /** True when the span names a parent that is not (yet) in the trace. */
  orphan: boolean;
  children: SpanNode[];
}

/**
 * Nests spans under their parents. Roots and orphans (whose parent is
 * missing) are the top level, so an orphan stays visible. Siblings are
 * ordered by start time, then span id; a child that starts before its
 * parent (clock skew between hosts) still nests under it, because nesting
 * follows parent ids, never times.
 */
export function buildTree(spans: Array<Omit<SpanNode, 'children' | 'orphan'>>): SpanNode[] {
  const nodes = new Map<string, SpanNode>(spans.map((s) => [s.spanId, { ...s, orphan: false, children: [] }]));
  const top: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentSpanId ? nodes.get(node.parentSpanId) : undefined;
    if (parent && !createsCycle(node, nodes)) parent.children.push(node);
    else {
      node.orphan = node.parentSpanId !== null;
      top.push(node);
    }
  }
  const sort = (list: SpanNode[]) => {
    list.sort(byStart);
    for (const node of list) sort(node.children);
  };
  sort(top);
  return top;
}

/** Spans in execution order: depth first, siblings by start time. */
export function flatten(tree: SpanNode[]): SpanNode[] {
  const out: SpanNode[] = [];
  const visit = (node: SpanNode) => {
    out.push(node);
    node.children.forEach(visit);
  };
  tree.forEach(visit);
  return out;
}

function byStart(a: SpanNode, b: SpanNode): number {
  const difference = BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano);
  if (difference !== 0n) return difference < 0n ? -1 : 1;
  if (a.spanId === b.spanId) return 0;
  return a.spanId < b.spanId ? -1 : 1;
}

/** Detects a parent chain that loops, which a malformed trace can contain; such a span is shown at the top level instead of vanishing. */
function createsCycle(node: SpanNode, nodes: Map<string, SpanNode>): boolean {
  const seen = new Set<string>([node.spanId]);
  let current = node.parentSpanId ? nodes.get(node.parentSpanId) : undefined;
  while (current) {
    if (seen.has(current.spanId)) return true;
    seen.add(current.spanId);
    current = current.parentSpanId ? nodes.get(current.parentSpanId) : undefined;
  }
  return false;
}
