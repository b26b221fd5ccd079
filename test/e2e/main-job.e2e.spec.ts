import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Decimal from 'decimal.js';
import { waitFor } from '@estate/testing';
import { runSampleLoad, SampleLoadSummary } from '../../tools/sample/run';
import { EstateUnderTest, startEstate } from './estate-under-test';
import { expectedActivity } from './expected-activity';

/** The report's `activity` block, as JSON. */
type Activity = Record<string, any>;

const ROOT = path.resolve(__dirname, '..', '..');
const SAMPLE_DIR = path.join(ROOT, 'data', 'sample');
const CATALOG = path.join(ROOT, 'data', 'pricing', 'litellm-model-prices.json');

/**
 * The main job's load step against all six services started in this
 * process: the bundled sample goes in through the public APIs, and the
 * report's activity block must match figures computed here from the sample
 * files and the catalog alone.
 */
describe('main job: sample load to report', () => {
  let estate: EstateUnderTest;
  let reportDir: string;
  let summary: SampleLoadSummary;
  const log: string[] = [];

  beforeAll(async () => {
    estate = await startEstate();
    reportDir = mkdtempSync(path.join(os.tmpdir(), 'estate-e2e-report-'));
    summary = await runSampleLoad({
      repoRoot: ROOT, sampleDir: SAMPLE_DIR, reportDir, endpoints: estate.endpoints, tenantId: estate.tenantId, keys: estate.keys,
      waitTimeoutMs: 60_000, print: (line) => log.push(line),
    });
  }, 170_000);

  afterAll(async () => {
    await estate?.stop();
    if (reportDir) rmSync(reportDir, { recursive: true, force: true });
  }, 30_000);

  it('reports the sample traces, tokens, cost, decisions and approvals', async () => {
    const expected = expectedActivity(SAMPLE_DIR, CATALOG);
    const asked = summary.decisions;
    // The loader decides on every call in a fresh tenant, so nothing may be skipped, and the sample holds gated and denied calls.
    expect({ skipped: summary.controlsSkipped, written: summary.reportWritten, gated: asked.require_approval > 0, denied: asked.deny > 0, log }).toEqual({ skipped: false, written: true, gated: true, denied: true, log });

    const want = {
      traces: expected.traces,
      spans: expected.spans,
      tokens: expected.tokens,
      costMicros: expected.costMicros,
      decisions: { allow: asked.allow, deny: asked.deny, requireApproval: asked.require_approval },
      granted: summary.granted,
      denied: summary.denied,
      exceptionWindowsOpened: summary.windows,
    };
    const figures = (activity: Activity) => ({
      traces: activity.traces, spans: activity.spans, tokens: activity.tokens, costMicros: activity.costMicros, decisions: activity.decisions,
      granted: activity.approvals.granted, denied: activity.approvals.denied, exceptionWindowsOpened: activity.exceptionWindowsOpened,
    });

    // The file the main job writes, read by the CLI once the loader saw the decisions reported.
    const written = JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8'));
    expect(written.leadership.tenantId).toBe(estate.tenantId);

    // Separate projections feed the activity block, so the REST report may still be catching up on some of them.
    // Compared as JSON (both sides list keys in the report's order): fetch builds its objects in another realm than
    // this test's, so a prototype-checking deep equality never matches; toEqual below gives the readable diff.
    const reporting = `${estate.endpoints.reporting}/v1/reports/leadership?all=true&to=${encodeURIComponent(summary.period.to)}`;
    const fetchActivity = async (): Promise<Activity> => {
      const response = await fetch(reporting, { headers: { authorization: `Bearer ${estate.keys.governance}` } });
      return ((await response.json()) as { activity: Activity }).activity;
    };
    const activity = await waitFor('the leadership report to show the whole sample load', fetchActivity, (a) => JSON.stringify(figures(a)) === JSON.stringify(want), { timeoutMs: 60_000 })
      .catch(() => fetchActivity());

    expect({ ...figures(activity), log }).toEqual({ ...want, log });
    expect(new Decimal(activity.cost).equals(expected.cost)).toBe(true);
    expect(figures(written.leadership.activity)).toEqual(want);
  }, 90_000);
});
