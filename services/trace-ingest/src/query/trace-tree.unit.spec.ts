import { buildTree, flatten, SpanNode } from './trace-tree';

function span(spanId: string, parentSpanId: string | null, start: bigint): Omit<SpanNode, 'children' | 'orphan'> {
  return {
    spanId, parentSpanId, name: spanId, step: 'other', startTimeUnixNano: start.toString(), endTimeUnixNano: (start + 10n).toString(), durationNanos: '10',
    status: 'unset', statusMessage: null, context: {}, usage: null, reportedCost: null, attributes: {}, resource: {}, events: null, scope: null,
  };
}

describe('buildTree', () => {
  it('nests by parent id whatever the input order', () => {
    const spans = [span('c', 'b', 30n), span('a', null, 10n), span('b', 'a', 20n)];
    for (const order of [spans, [...spans].reverse()]) {
      const tree = buildTree(order);
      expect(tree.map((n) => n.spanId)).toEqual(['a']);
      expect(flatten(tree).map((n) => n.spanId)).toEqual(['a', 'b', 'c']);
    }
  });

  it('keeps a span whose parent is missing at the top level, marked orphan', () => {
    const tree = buildTree([span('a', null, 10n), span('x', 'missing', 5n)]);
    expect(tree.map((n) => [n.spanId, n.orphan])).toEqual([['x', true], ['a', false]]);
  });

  it('nests a child that starts before its parent', () => {
    const tree = buildTree([span('parent', null, 1_000n), span('child', 'parent', 1n)]);
    expect(tree).toHaveLength(1);
    expect(tree[0].children[0].spanId).toBe('child');
  });

  it('orders siblings by start time, then span id', () => {
    const tree = buildTree([span('r', null, 0n), span('b', 'r', 5n), span('a', 'r', 5n), span('c', 'r', 1n)]);
    expect(tree[0].children.map((n) => n.spanId)).toEqual(['c', 'a', 'b']);
  });

  it('shows spans in a parent cycle instead of losing them', () => {
    const tree = buildTree([span('a', 'b', 1n), span('b', 'a', 2n)]);
    expect(flatten(tree).map((n) => n.spanId).sort()).toEqual(['a', 'b']);
  });
});
