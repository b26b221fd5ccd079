import { headlines, StepOutcome } from '../../bench/suite/report';

function outcomes(results: Record<string, Record<string, unknown>>): Map<string, StepOutcome> {
  return new Map(Object.entries(results).map(([id, result]) => [id, { id, kind: 'ours', status: 'ok', seconds: 1, result }]));
}

const row = (rows: ReturnType<typeof headlines>, figure: string) => rows.find((r) => r.figure === figure);

describe('benchmark report rows', () => {
  it('takes the rollup p99, not p50', () => {
    const rows = headlines(outcomes({ 'cost-rollup': { daily_p50_ms: 5.7, daily_p99_ms: 13.6, hourly_p50_ms: 66.4, hourly_p99_ms: 97 } }));
    expect(row(rows, '7-day rollup')?.value).toBe(13.6);
  });

  it('keeps wire figures apart from the floor', () => {
    const rows = headlines(
      outcomes({ 'policy-decisions': { httpFloorP50Ms: 0.4, httpFloorP99Ms: 1.9, httpP50Ms: 5029, httpP99Ms: 10926, grpcP50Ms: 7865, grpcP99Ms: 14944 } }),
    );
    expect(row(rows, 'decision over http p99')).toMatchObject({ value: 10926, limit: 'bare HTTP server p99 1.9 ms', verdict: 'missed' });
    expect(row(rows, 'decision over grpc p99')).toMatchObject({ value: 14944, verdict: 'missed' });
  });

  it('omits the floor when not measured', () => {
    const rows = headlines(outcomes({ 'policy-decisions': { httpP99Ms: 1.5, grpcP99Ms: 1.8 } }));
    expect(row(rows, 'decision over http p99')).toMatchObject({ value: 1.5, limit: undefined, verdict: 'met' });
  });
});
