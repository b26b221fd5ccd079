import { changesBetween } from './changes';
import { figures } from './figures.fixture';
import { compareDecimal, costliest, riskiest, riskScore } from './ranking';

describe('compareDecimal', () => {
  it.each([
    ['0.1', '0.09', 1],
    ['10', '9.999999', 1],
    ['1.50', '1.5', 0],
    ['-2', '1', -1],
    ['-2', '-1', -1],
    ['0.000001', '0', 1],
  ])('orders %s against %s', (a, b, expected) => {
    expect(compareDecimal(a, b)).toBe(expected);
  });
});

describe('riskScore', () => {
  it('weights exposure above friction and names each cause', () => {
    const score = riskScore(figures('a', { ungatedSensitiveReachPaths: 1, decisions: { allow: 0, deny: 2, requireApproval: 0 }, errorRate: 0.1 }));
    expect(score.score).toBe(5 + 4 + 1);
    expect(score.because).toEqual(['1 ungated path(s) to sensitive data', '2 denied decision(s)', '10.0% errors']);
  });

  it('is zero for a quiet workflow', () => {
    expect(riskScore(figures('quiet')).score).toBe(0);
  });
});

describe('riskiest and costliest', () => {
  it('orders by score and leaves out zero scores', () => {
    const list = riskiest([figures('low', { spendSignals: 1 }), figures('none'), figures('high', { openExceptionWindows: 3 })], 10);
    expect(list.map((r) => r.workflow)).toEqual(['high', 'low']);
  });

  it('orders by exact cost and breaks ties by name', () => {
    const list = costliest([figures('b', { cost: '0.3' }), figures('a', { cost: '0.3' }), figures('c', { cost: '0.29999999' }), figures('z', { cost: '0' })], 10);
    expect(list.map((c) => c.workflow)).toEqual(['a', 'b', 'c']);
  });

  it('honours the limit', () => {
    expect(costliest([figures('a'), figures('b')], 1)).toHaveLength(1);
  });
});

describe('changesBetween', () => {
  it('lists new, gone and materially changed workflows', () => {
    const before = [figures('kept'), figures('gone'), figures('busier', { calls: 10 })];
    const after = [figures('kept', { calls: 11 }), figures('new'), figures('busier', { calls: 20 })];
    const changes = changesBetween(before, after);
    expect(changes.map((c) => [c.workflow, c.kind])).toEqual([['busier', 'changed'], ['gone', 'gone'], ['new', 'new']]);
  });

  it('flags an error-rate rise of five points', () => {
    const changes = changesBetween([figures('w', { errorRate: 0.01 })], [figures('w', { errorRate: 0.06 })]);
    expect(changes).toHaveLength(1);
  });

  it('flags a cost that grew by a quarter', () => {
    expect(changesBetween([figures('w', { cost: '4' })], [figures('w', { cost: '5' })])).toHaveLength(1);
    expect(changesBetween([figures('w', { cost: '4' })], [figures('w', { cost: '4.9' })])).toHaveLength(0);
  });
});
