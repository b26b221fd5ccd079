import { DEFAULT_BASELINE_THRESHOLDS, movesAgainstBaseline, WindowStats } from './baseline';

const stats = (over: Partial<WindowStats> = {}): WindowStats => ({ calls: 20, errorRate: 0.02, p95LatencyMs: 800, meanTokens: 1000, ...over });

describe('movesAgainstBaseline', () => {
  it('reports nothing when figures hold', () => {
    expect(movesAgainstBaseline(stats(), stats())).toEqual([]);
  });

  it('flags an error-rate rise at the threshold', () => {
    const moves = movesAgainstBaseline(stats({ errorRate: 0.07 }), stats());
    expect(moves).toEqual([{ metric: 'errorRate', baseline: 0.02, current: 0.07 }]);
  });

  it('flags a rise of exactly five points despite float rounding', () => {
    expect(movesAgainstBaseline(stats({ errorRate: 0.06 }), stats({ errorRate: 0.01 })).map((m) => m.metric)).toEqual(['errorRate']);
  });

  it('ignores an error-rate rise below the threshold', () => {
    expect(movesAgainstBaseline(stats({ errorRate: 0.06 }), stats())).toEqual([]);
  });

  it('flags latency and token growth by ratio', () => {
    const moves = movesAgainstBaseline(stats({ p95LatencyMs: 1000, meanTokens: 1300 }), stats());
    expect(moves.map((m) => m.metric)).toEqual(['p95LatencyMs', 'meanTokens']);
  });

  it('ignores improvements', () => {
    expect(movesAgainstBaseline(stats({ errorRate: 0, p95LatencyMs: 100, meanTokens: 10 }), stats())).toEqual([]);
  });

  it('needs enough calls in both windows', () => {
    const few = DEFAULT_BASELINE_THRESHOLDS.minCalls - 1;
    expect(movesAgainstBaseline(stats({ calls: few, errorRate: 1 }), stats())).toEqual([]);
    expect(movesAgainstBaseline(stats({ errorRate: 1 }), stats({ calls: few }))).toEqual([]);
  });

  it('treats growth from a zero baseline as a move', () => {
    expect(movesAgainstBaseline(stats({ meanTokens: 5 }), stats({ meanTokens: 0 }))).toEqual([{ metric: 'meanTokens', baseline: 0, current: 5 }]);
  });

  it('skips metrics missing in a window', () => {
    expect(movesAgainstBaseline(stats({ p95LatencyMs: null }), stats())).toEqual([]);
  });
});
