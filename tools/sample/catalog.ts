import path from 'node:path';
import { LoadStepError, ServiceClient } from './http';
import { fileSha256 } from './traces';

interface CatalogVersion {
  catalogVersion: string;
  allTenants: boolean;
  sha256: string;
  effectiveFrom: string;
  entryCount: number;
}

/**
 * Step 2: the cost ledger imports `data/pricing/litellm-model-prices.json`
 * at start; this checks that a catalog version in force for the tenant has
 * that file's SHA-256, and fails rather than price the sample with another.
 */
export async function verifyCatalog(client: ServiceClient, repoRoot: string): Promise<{ version: CatalogVersion; file: string }> {
  const file = path.join(repoRoot, 'data', 'pricing', 'litellm-model-prices.json');
  const expected = fileSha256(file);
  const { body } = await client.call<{ versions: CatalogVersion[] }>('costLedger', '/v1/price-catalogs', { role: 'finops' });
  const inForce = body.versions.filter((v) => Date.parse(v.effectiveFrom) <= Date.now());
  const latest = inForce[inForce.length - 1];
  if (!latest) throw new LoadStepError(`step "catalog": cost-ledger has no price catalog in force; it imports data/pricing at start, see .cache/logs/cost-ledger.log`);
  if (latest.sha256 !== expected) {
    throw new LoadStepError(
      `step "catalog": the catalog in force (${latest.catalogVersion}, sha256 ${latest.sha256}) is not data/pricing/litellm-model-prices.json (sha256 ${expected}); import that file with POST /v1/price-catalogs or remove the newer version`,
    );
  }
  return { version: latest, file };
}

/** Step 3: reports the tenant's active policy bundle; a tenant without an activation decides on the built-in default bundle, so nothing needs publishing. */
export async function activeBundle(client: ServiceClient): Promise<{ version: string; policies: number }> {
  const { body } = await client.call<{ version: string; policyIds: string[] }>('policy', '/v1/policy-bundles/active', { role: 'security' });
  return { version: body.version, policies: body.policyIds.length };
}
