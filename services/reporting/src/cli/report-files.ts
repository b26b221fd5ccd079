import { existsSync, readFileSync } from 'node:fs';

/** The files the report is written as, with the export format each is fetched in. */
export const REPORT_FILES = [
  { file: 'report.json', format: 'json' },
  { file: 'report.csv', format: 'csv' },
  { file: 'report.md', format: 'markdown' },
  { file: 'report.html', format: 'html' },
] as const;

/** Roles whose key the CLI takes from the keys file, in order of preference; every one may read reports. */
const READER_ROLES = ['governance', 'admin', 'platform', 'finops', 'security', 'ai-engineering'];

/**
 * Chooses the API key: ESTATE_API_KEY when set, else a reader key for the
 * tenant from the development keys file. Throws with the fix when neither
 * gives one, so the CLI never calls the API unauthenticated.
 */
export function chooseApiKey(tenantId: string, explicitKey: string | undefined, keysFile: string): string {
  if (explicitKey) return explicitKey;
  if (!existsSync(keysFile)) {
    throw new Error(`no API key: ESTATE_API_KEY is not set and ${keysFile} does not exist; set ESTATE_API_KEY or run the local stack, which writes that file`);
  }
  const saved = JSON.parse(readFileSync(keysFile, 'utf8')) as { tenantId?: string; keys?: Record<string, string> };
  if (saved.tenantId !== tenantId) {
    throw new Error(`${keysFile} holds keys of tenant "${saved.tenantId}", not "${tenantId}"; set ESTATE_API_KEY to a key of tenant "${tenantId}"`);
  }
  const role = READER_ROLES.find((r) => saved.keys?.[r]);
  if (!role) throw new Error(`${keysFile} has no key with a role that may read reports (${READER_ROLES.join(', ')})`);
  return saved.keys![role];
}
