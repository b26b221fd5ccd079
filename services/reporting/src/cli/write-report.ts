/**
 * Writes the tenant's report to a directory as report.html, report.md,
 * report.json and report.csv, read through the reporting service's REST API.
 *
 *   npx ts-node -r tsconfig-paths/register services/reporting/src/cli/write-report.ts <tenant> <output dir> [--from ISO | --all] [--to ISO]
 *
 * `--all` covers the whole history up to `--to` (or now), past the 366-day cap
 * a named period has.
 *
 * The API key is ESTATE_API_KEY, or a reader key of the tenant from
 * ESTATE_KEYS_FILE (default .estate/dev-keys.json). Exits 0 when all four
 * files are written, 1 when the service rejects a request, 2 on bad usage.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit, text } from '@estate/config';
import { chooseApiKey, REPORT_FILES } from './report-files';

const config = loadConfigOrExit('write-report', {
  REPORTING_URL: text('Base URL of the reporting service', { default: 'http://127.0.0.1:3006' }),
  ESTATE_API_KEY: text('API key of the tenant; overrides the keys file', { sensitive: true, required: false }),
  ESTATE_KEYS_FILE: text('Development keys file written by the local stack', { default: path.join(process.cwd(), '.estate', 'dev-keys.json') }),
});

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function fetchExport(format: string, apiKey: string, period: { from?: string; to?: string; all: boolean }): Promise<string> {
  const url = new URL('/v1/reports/export', config.REPORTING_URL);
  url.searchParams.set('format', format);
  if (period.from) url.searchParams.set('from', period.from);
  if (period.to) url.searchParams.set('to', period.to);
  if (period.all) url.searchParams.set('all', 'true');
  const response = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });
  const body = await response.text();
  if (!response.ok) throw new Error(`GET ${url.pathname}?${url.searchParams} failed with HTTP ${response.status}: ${body.slice(0, 500)}`);
  return body;
}

async function run(): Promise<number> {
  const args = process.argv.slice(2);
  const valued = new Set(['--from', '--to']);
  const [tenantId, outputDir] = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1]));
  const all = args.includes('--all');
  if (!tenantId || !outputDir || (all && args.includes('--from'))) {
    process.stderr.write('usage: write-report.ts <tenant> <output dir> [--from ISO | --all] [--to ISO]\n');
    return 2;
  }
  const apiKey = chooseApiKey(tenantId, config.ESTATE_API_KEY as string | undefined, config.ESTATE_KEYS_FILE);
  const period = { from: option(args, '--from'), to: option(args, '--to'), all };

  const bodies = await Promise.all(REPORT_FILES.map((f) => fetchExport(f.format, apiKey, period)));
  const reportTenant = (JSON.parse(bodies[0]) as { leadership: { tenantId: string } }).leadership.tenantId;
  if (reportTenant !== tenantId) {
    throw new Error(`the API key belongs to tenant "${reportTenant}", not "${tenantId}"; use a key of tenant "${tenantId}"`);
  }
  mkdirSync(outputDir, { recursive: true });
  REPORT_FILES.forEach((f, i) => writeFileSync(path.join(outputDir, f.file), bodies[i]));
  process.stdout.write(`wrote ${REPORT_FILES.map((f) => path.join(outputDir, f.file)).join(', ')}\n`);
  return 0;
}

run().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`write-report: ${error.message}\n`);
    process.exit(1);
  },
);
