import path from 'node:path';
import { activeBundle, verifyCatalog } from './catalog';
import { reportPeriod, waitForPricedUsage, waitForReportedDecisions, writeReport } from './catch-up';
import { callsInTraces, ControlsResult, driveControls, registerPolicyEntities } from './controls';
import { declareAssets, importMcp } from './estate';
import { Endpoints, RoleKeys, ServiceClient, waitForKeys } from './http';
import { readTraceFiles, sendTraces, waitForTraceRecord } from './traces';

export interface SampleLoadOptions {
  repoRoot: string;
  /** Directory with `otlp/` and `mcp/`; data/sample in the repository. */
  sampleDir: string;
  endpoints: Endpoints;
  tenantId: string;
  keys: RoleKeys;
  /** Where the report files go. */
  reportDir: string;
  /** Bound on each wait for a read model to catch up. */
  waitTimeoutMs: number;
  print: (line: string) => void;
}

export interface SampleLoadSummary {
  traces: number;
  spans: number;
  pricedCalls: number;
  unpricedCalls: number;
  costMicros: bigint;
  decisions: { allow: number; deny: number; require_approval: number };
  controlsSkipped: boolean;
  granted: number;
  denied: number;
  /** Exception windows the load opened. */
  windows: number;
  period: { from: string; to: string };
  reportWritten: boolean;
}

/** Runs the six load steps in order; each prints one line, and the first failing call stops the run with a LoadStepError. */
export async function runSampleLoad(o: SampleLoadOptions): Promise<SampleLoadSummary> {
  const client = new ServiceClient(o.endpoints, o.keys);
  await waitForKeys(o.endpoints, o.keys, 60_000);

  client.step = 'estate';
  const mcp = await importMcp(client, o.sampleDir);
  const declared = await declareAssets(client);
  o.print(`1/6 estate: ${mcp.configs} MCP client configs and ${mcp.manifests} server.json files imported (${mcp.servers} MCP servers, ${mcp.warnings} warnings); ${declared.declared} declared assets (${declared.registered} new), ${declared.relationships} relationships`);

  client.step = 'catalog';
  const catalog = await verifyCatalog(client, o.repoRoot);
  o.print(`2/6 catalog: cost-ledger prices with catalog ${catalog.version.catalogVersion} (${catalog.version.entryCount} models, sha256 ${catalog.version.sha256.slice(0, 12)}…), the bundled ${path.relative(o.repoRoot, catalog.file)}`);

  client.step = 'policy';
  const bundle = await activeBundle(client);
  const entities = await registerPolicyEntities(client);
  o.print(`3/6 policy: active bundle ${bundle.version} (${bundle.policies} policies, nothing to publish); ${entities} agent and tool entities registered for decisions`);

  client.step = 'traces';
  const files = readTraceFiles(o.sampleDir);
  const sent = await sendTraces(client, files);
  const record = await waitForTraceRecord(client, files, sent.acceptedByFile, o.waitTimeoutMs);
  o.print(`4/6 traces: ${sent.files} files sent, ${sent.accepted} spans accepted, ${sent.rejected} rejected; trace record holds ${record.traces} traces with ${record.spans} spans`);

  client.step = 'controls';
  const { calls, usageSpans } = await callsInTraces(client, files);
  const controls = await driveControls(client, calls, o.waitTimeoutMs);
  const d = controls.decisions;
  o.print(controls.skipped
    ? `5/6 controls: approvals on the sample traces are already decided by an earlier run; no new decisions`
    : `5/6 controls: ${calls.length} tool and model calls decided; ${d.allow} allow, ${d.deny} deny, ${d.require_approval} require_approval; ${controls.granted} approved (grant applied ${controls.grantsApplied}), ${controls.denied} denied, ${controls.windows} exception window (${windowNote(controls)})`);

  client.step = 'catch-up';
  const period = reportPeriod();
  const usage = await waitForPricedUsage(client, usageSpans, o.waitTimeoutMs);
  const made = d.allow + d.deny + d.require_approval;
  const leadership = await waitForReportedDecisions(client, { decisions: made, spans: record.spans, decidedApprovals: controls.granted + controls.denied, windows: controls.windows }, period, o.waitTimeoutMs);
  const r = leadership.decisionsByOutcome;
  o.print(`6/6 caught up: ${usage.calls} usage records (${usage.unpriced} unpriced), cost ${formatMicros(usage.costMicros)} USD (sum of per-trace costs, each rounded to the micro-USD; the report sums exact amounts); reporting counts ${r.allow} allow, ${r.deny} deny, ${r.requireApproval} require_approval from ${period.from} to ${period.to}`);

  client.step = 'report';
  const reportWritten = await writeReport(o.repoRoot, { tenantId: o.tenantId, apiKey: o.keys.governance, reportingUrl: o.endpoints.reporting, outputDir: o.reportDir, period });
  o.print(reportWritten
    ? `report: ${['html', 'md', 'json', 'csv'].map((ext) => path.join(o.reportDir, `report.${ext}`)).join(' ')}`
    : `report: the report CLI is not in this checkout; leadership totals ${leadership.totals.calls} calls, ${leadership.totals.tokens} tokens, cost ${leadership.totals.cost} USD`);

  return {
    traces: record.traces, spans: record.spans, pricedCalls: usage.calls - usage.unpriced, unpricedCalls: usage.unpriced, costMicros: usage.costMicros,
    decisions: d, controlsSkipped: controls.skipped, granted: controls.granted, denied: controls.denied, windows: controls.windows, period, reportWritten,
  };
}

const formatMicros = (micros: bigint) => `${micros / 1_000_000n}.${(micros % 1_000_000n).toString().padStart(6, '0')}`;

/** Says what the exception window changed: the decision after it records the window, and its outcome. */
function windowNote(controls: ControlsResult): string {
  if (controls.windows === 0) return 'none opened';
  const honoured = `honoured by ${controls.windowsApplied} decision${controls.windowsApplied === 1 ? '' : 's'}`;
  if (controls.windowOutcome === 'deny') return `${honoured}; the call stays denied, because no policy permits it once the named forbid is lifted`;
  return `${honoured}; outcome then ${controls.windowOutcome ?? 'none'}`;
}
