import { AppError } from '@estate/service-kit';
import { ALL_TIME_FROM, DEFAULT_PERIOD_DAYS, previousPeriod, reportPeriod } from './report-period';

const now = new Date('2026-12-01T12:00:00.000Z');

describe('reportPeriod', () => {
  it('defaults to the 30 days before now', () => {
    const period = reportPeriod(undefined, undefined, now);
    expect(period.to).toEqual(now);
    expect(now.getTime() - period.from.getTime()).toBe(DEFAULT_PERIOD_DAYS * 24 * 3600_000);
  });

  it('accepts dates and date-times', () => {
    const period = reportPeriod('2026-11-01', '2026-11-08T00:00:00Z', now);
    expect(period.from.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(period.to.toISOString()).toBe('2026-11-08T00:00:00.000Z');
  });

  it.each([
    ['yesterday', undefined, 'from'],
    [undefined, 'soon', 'to'],
    ['2026-11-02', '2026-11-01', 'from'],
    ['2024-01-01', '2026-11-01', 'from'],
    ['2026-02-30', '2026-03-31', 'from'],
    [undefined, '2026-11-31T00:00:00Z', 'to'],
  ])('rejects from=%s to=%s on %s', (from, to, field) => {
    try {
      reportPeriod(from, to, now);
      throw new Error('expected an AppError');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('invalid_argument');
      expect((error as AppError).field).toBe(field);
    }
  });
});

describe('reportPeriod with allTime', () => {
  it('starts at the epoch with no cap', () => {
    const period = reportPeriod(undefined, undefined, now, true);
    expect(period.from).toEqual(ALL_TIME_FROM);
    expect(period.to).toEqual(now);
  });

  it('keeps an explicit to', () => {
    expect(reportPeriod(undefined, '2019-01-01', now, true).to.toISOString()).toBe('2019-01-01T00:00:00.000Z');
  });

  it.each([
    ['2026-01-01', undefined, 'from'],
    [undefined, '1969-12-31', 'to'],
  ])('rejects from=%s to=%s on %s', (from, to, field) => {
    expect(() => reportPeriod(from, to, now, true)).toThrow(AppError);
    try {
      reportPeriod(from, to, now, true);
    } catch (error) {
      expect((error as AppError).field).toBe(field);
    }
  });
});

describe('previousPeriod', () => {
  it('has the same length and ends where the period starts', () => {
    const period = { from: new Date('2026-11-10T00:00:00Z'), to: new Date('2026-11-17T00:00:00Z') };
    expect(previousPeriod(period)).toEqual({ from: new Date('2026-11-03T00:00:00Z'), to: period.from });
  });
});
