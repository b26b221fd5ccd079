import { reportPeriod } from './catch-up';

describe('reportPeriod', () => {
  it('ends at generation time', () => {
    const now = new Date('2026-12-04T21:00:00.000Z');
    expect(reportPeriod(now)).toEqual({ from: '1970-01-01T00:00:00.000Z', to: '2026-12-04T21:00:00.000Z', all: true });
  });
});
