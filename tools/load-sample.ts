/**
 * Loads the bundled sample (data/sample, see its SOURCE.md) into running
 * Estate services through their public REST and OTLP APIs: the estate, the
 * traces, policy decisions with approvals and an exception window, then
 * writes the report to .estate/report. Safe to run again: imports and
 * spans are deduplicated by the services, and the decision step is skipped
 * once its approvals are decided.
 *
 *   npx ts-node tools/load-sample.ts
 *
 * Base URLs and the keys file come from the environment (defaults: the local
 * stack's ports and .estate/dev-keys.json). Exits 1 naming the failing step.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { integer, loadConfigOrExit, text } from '@estate/config';
import { LoadStepError } from './sample/http';
import { runSampleLoad } from './sample/run';

const root = path.resolve(__dirname, '..');
const config = loadConfigOrExit('load-sample', {
  ESTATE_KEYS_FILE: text('Keys file with the tenant id and one API key per role', { default: path.join(root, '.estate', 'dev-keys.json') }),
  ESTATE_SAMPLE_DIR: text('Directory with the sample otlp/ and mcp/ folders', { default: path.join(root, 'data', 'sample') }),
  ESTATE_REPORT_DIR: text('Directory the report files are written to', { default: path.join(root, '.estate', 'report') }),
  INVENTORY_URL: text('Base URL of the inventory service', { default: 'http://127.0.0.1:3001' }),
  POLICY_URL: text('Base URL of the policy service', { default: 'http://127.0.0.1:3002' }),
  APPROVALS_URL: text('Base URL of the approvals service', { default: 'http://127.0.0.1:3003' }),
  TRACE_INGEST_URL: text('Base URL of the trace-ingest REST API', { default: 'http://127.0.0.1:3004' }),
  OTLP_HTTP_URL: text('Base URL of the OTLP/HTTP receiver', { default: 'http://127.0.0.1:4318' }),
  COST_LEDGER_URL: text('Base URL of the cost-ledger service', { default: 'http://127.0.0.1:3005' }),
  REPORTING_URL: text('Base URL of the reporting service', { default: 'http://127.0.0.1:3006' }),
  LOAD_WAIT_SECONDS: integer('Seconds each wait for a read model may take before the load fails', { default: '60', min: 1 }),
});

async function main(): Promise<void> {
  let saved: { tenantId: string; keys: Record<string, string> };
  try {
    saved = JSON.parse(readFileSync(config.ESTATE_KEYS_FILE, 'utf8'));
  } catch (error) {
    throw new LoadStepError(`step "keys": cannot read ${config.ESTATE_KEYS_FILE} (${(error as Error).message}); run \`npx ts-node tools/dev-tenant.ts\` first`);
  }
  await runSampleLoad({
    repoRoot: root,
    sampleDir: config.ESTATE_SAMPLE_DIR,
    reportDir: config.ESTATE_REPORT_DIR,
    tenantId: saved.tenantId,
    keys: saved.keys,
    waitTimeoutMs: config.LOAD_WAIT_SECONDS * 1000,
    endpoints: {
      inventory: config.INVENTORY_URL, policy: config.POLICY_URL, approvals: config.APPROVALS_URL, traceIngest: config.TRACE_INGEST_URL,
      otlpHttp: config.OTLP_HTTP_URL, costLedger: config.COST_LEDGER_URL, reporting: config.REPORTING_URL,
    },
    print: (line) => process.stdout.write(`load-sample: ${line}\n`),
  });
}

main().catch((error: unknown) => {
  const message = error instanceof LoadStepError ? error.message : `unexpected failure: ${(error as Error).stack ?? String(error)}`;
  process.stderr.write(`load-sample failed: ${message}\n`);
  process.exit(1);
});
