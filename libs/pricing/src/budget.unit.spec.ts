import { budgetState, calendarWindow, crossedThresholds, forecastAtPeriodEnd, headroom, scopeMatches } from './budget';
import { money, toMicros } from './money';
import { DEFAULT_SIGNAL_THRESHOLDS, isOversized, isSpike, reachedNow, retryCount } from './spend-signals';

describe('budget periods', () => {
  it('starts weeks on Monday in UTC', () => {
    const window = calendarWindow('week', new Date('2025-06-15T23:30:00Z')); // a Sunday
    expect(window.start.toISOString()).toBe('2025-06-09T00:00:00.000Z');
    expect(window.end.toISOString()).toBe('2025-06-16T00:00:00.000Z');
  });

  it('bounds days and months', () => {
    expect(calendarWindow('day', new Date('2025-02-28T10:00:00Z')).end.toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(calendarWindow('month', new Date('2024-12-31T23:59:59Z')).end.toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });
});

describe('budget arithmetic', () => {
  const limits = { softLimit: '80', hardLimit: '100' };

  it('reports each threshold once, when spending first reaches it', () => {
    expect(crossedThresholds(money('40'), money('85'), limits, [50, 80, 100])).toEqual([50, 80]);
    expect(crossedThresholds(money('85'), money('99.99'), limits, [50, 80, 100])).toEqual([]);
    expect(crossedThresholds(money('99.99'), money('100'), limits, [50, 80, 100])).toEqual([100]);
  });

  it('derives the state from soft and hard limits', () => {
    expect(budgetState(money('79.999999'), limits)).toBe('ok');
    expect(budgetState(money('80'), limits)).toBe('soft_limit');
    expect(budgetState(money('100'), limits)).toBe('hard_limit');
    expect(budgetState(money('1000'), { softLimit: '10' })).toBe('soft_limit');
  });

  it('forecasts at the run rate', () => {
    const window = calendarWindow('day', new Date('2025-06-15T00:00:00Z'));
    expect(forecastAtPeriodEnd(money('6'), window, new Date('2025-06-15T06:00:00Z'))).toBe('24');
    expect(forecastAtPeriodEnd(money('6'), window, window.start)).toBe('6');
  });

  it('subtracts reservations in flight from headroom', () => {
    expect(headroom(money('60'), money('30'), limits)).toBe('10');
    expect(headroom(money('90'), money('30'), limits)).toBe('0');
    expect(headroom(money('90'), money('30'), { softLimit: '1' })).toBeNull();
  });

  it('matches only the dimensions a scope names', () => {
    expect(scopeMatches({ team: 'search' }, { team: 'search', workflow: 'triage' })).toBe(true);
    expect(scopeMatches({ team: 'search', environment: 'prod' }, { team: 'search' })).toBe(false);
  });

  it('rounds micro-units half to even', () => {
    expect(toMicros(money('0.0000025'))).toBe(2n);
    expect(toMicros(money('0.0000035'))).toBe(4n);
  });
});

describe('spend signals', () => {
  const thresholds = DEFAULT_SIGNAL_THRESHOLDS;

  it('raises a loop once as the count passes the threshold', () => {
    expect(reachedNow(19, 20, 20)).toBe(true);
    expect(reachedNow(20, 25, 20)).toBe(false);
    expect(reachedNow(5, 19, 20)).toBe(false);
  });

  it('counts calls after failures as retries', () => {
    expect(retryCount(4, 3)).toBe(3);
    expect(retryCount(1, 1)).toBe(0);
  });

  it('compares a prompt with the workflow mean once enough calls exist', () => {
    const baseline = { calls: 20, promptTokens: 20 * 1000 };
    expect(isOversized(4001, baseline, thresholds)).toBe(true);
    expect(isOversized(4000, baseline, thresholds)).toBe(false);
    expect(isOversized(100_000, { calls: 19, promptTokens: 19_000 }, thresholds)).toBe(false);
  });

  it('flags an hour far above the baseline', () => {
    expect(isSpike(money('3.01'), money('1'), thresholds)).toBe(true);
    expect(isSpike(money('3'), money('1'), thresholds)).toBe(false);
    expect(isSpike(money('0.5'), money('0.01'), thresholds)).toBe(false);
    expect(isSpike(money('50'), money('0'), thresholds)).toBe(false);
  });
});
