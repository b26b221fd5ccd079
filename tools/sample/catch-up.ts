import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { LoadStepError, pollUntil, ServiceClient } from './http';

/**
 * The report period: the whole history (the reporting service's `all=true`)
 * up to `now`, which the run takes after the controls step so every decision
 * it made falls inside the half-open period. A later end would claim the
 * report covers time that had not happened when it was generated.
 */
export function reportPeriod(now = new Date()): { from: string; to: string; all: true } {
  return { from: new Date(0).toISOString(), to: now.toISOString(), all: true };
}

export interface PricedUsage {
  calls: number;
  unpriced: number;
  costMicros: bigint;
}

/** Waits until the cost ledger has a usage record for every model and embedding span with usage. */
export async function waitForPricedUsage(client: ServiceClient, usageSpans: Map<string, number>, timeoutMs: number): Promise<PricedUsage> {
  const total: PricedUsage = { calls: 0, unpriced: 0, costMicros: 0n };
  for (const [traceId, expected] of usageSpans) {
    if (expected === 0) continue;
    const { body } = await pollUntil(
      `${expected} usage records of trace ${traceId} in cost-ledger`,
      () => client.call<{ calls?: unknown[]; unpricedCalls: number; costMicros: string }>('costLedger', `/v1/traces/${traceId}/cost`, { role: 'finops', accept: [404] }),
      (r) => r.status === 200 && (r.body.calls?.length ?? 0) >= expected,
      timeoutMs,
      'catch-up',
    );
    total.calls += body.calls!.length;
    total.unpriced += body.unpricedCalls;
    total.costMicros += BigInt(body.costMicros);
  }
  return total;
}

export interface LeadershipFigures {
  totals: { calls: number; errors: number; tokens: number; cost: string; unpricedCalls: number };
  decisionsByOutcome: { allow: number; deny: number; requireApproval: number };
  activity: { spans: number; approvals: { granted: number; denied: number }; exceptionWindowsOpened: number };
}

/** The figures the load put in, which the reporting service must count before the report is written. */
export interface LoadedFigures {
  decisions: number;
  spans: number;
  decidedApprovals: number;
  windows: number;
}

/** Waits until the reporting service counts at least the loaded decisions, spans, decided approvals and exception windows in the period. */
export async function waitForReportedDecisions(client: ServiceClient, loaded: LoadedFigures, period: { from: string; to: string }, timeoutMs: number): Promise<LeadershipFigures> {
  const query = `all=true&to=${encodeURIComponent(period.to)}`;
  const { body } = await pollUntil(
    `${loaded.decisions} decisions, ${loaded.spans} spans, ${loaded.decidedApprovals} decided approvals and ${loaded.windows} exception windows in the reporting service`,
    () => client.call<LeadershipFigures>('reporting', `/v1/reports/leadership?${query}`, { role: 'governance' }),
    ({ body: r }) =>
      r.decisionsByOutcome.allow + r.decisionsByOutcome.deny + r.decisionsByOutcome.requireApproval >= loaded.decisions &&
      r.activity.spans >= loaded.spans &&
      r.activity.approvals.granted + r.activity.approvals.denied >= loaded.decidedApprovals &&
      r.activity.exceptionWindowsOpened >= loaded.windows,
    timeoutMs,
    'catch-up',
  );
  return body;
}

export const WRITE_REPORT_CLI = path.join('services', 'reporting', 'src', 'cli', 'write-report.ts');

/**
 * Runs the reporting CLI, which writes report.html, .md, .json and .csv;
 * resolves to false when the CLI is not in this checkout. The child runs
 * asynchronously, so a reporting service in the calling process (as in the
 * end-to-end test) can still answer it.
 */
export async function writeReport(repoRoot: string, options: { tenantId: string; apiKey: string; reportingUrl: string; outputDir: string; period: { from: string; to: string } }): Promise<boolean> {
  if (!existsSync(path.join(repoRoot, WRITE_REPORT_CLI))) return false;
  try {
    await runFile('npx', ['ts-node', WRITE_REPORT_CLI, options.tenantId, options.outputDir, '--all', '--to', options.period.to], {
      cwd: repoRoot,
      env: { ...process.env, REPORTING_URL: options.reportingUrl, ESTATE_API_KEY: options.apiKey },
      encoding: 'utf8',
    });
  } catch (error) {
    const failed = error as Error & { code?: number; stderr?: string; stdout?: string };
    throw new LoadStepError(`step "report": ${WRITE_REPORT_CLI} exited with ${failed.code}: ${(failed.stderr || failed.stdout || failed.message).trim().slice(0, 500)}; check the reporting service at ${options.reportingUrl}`);
  }
  return true;
}

const runFile = promisify(execFile);
