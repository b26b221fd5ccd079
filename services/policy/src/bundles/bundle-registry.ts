import { Inject, Injectable } from '@nestjs/common';
import {
  buildCedarSchema,
  DEFAULT_BUNDLE_VERSION,
  DEFAULT_POLICIES,
  LoadedBundle,
  McpTool,
  parseBundle,
  PolicyEngine,
} from '@estate/policy-engine';
import { PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { BundleStore, bundleVersionLabel } from './bundle-store';

/** The bundle a tenant's decisions use, parsed once into the engine. */
export interface ActiveBundle {
  version: string;
  loaded: LoadedBundle;
  /** Tools with a generated `tool:<name>` action in this bundle's schema. */
  tools: ReadonlyMap<string, McpTool>;
}

const REFRESH_AFTER_MS = 2000;

/**
 * Keeps each tenant's active bundle in memory. A tenant without an
 * activation uses the default bundle. Activations on this replica apply at
 * once; others are picked up within REFRESH_AFTER_MS, checked in the
 * background so no decision waits for the query.
 */
@Injectable()
export class BundleRegistry {
  readonly engine = new PolicyEngine();
  readonly store: BundleStore;
  private readonly defaultBundle: ActiveBundle;
  private readonly active = new Map<string, { bundle: ActiveBundle; checkedAt: number; refreshing?: Promise<void> }>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) options: ServiceOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.store = new BundleStore(pool, options.schema);
    const schemaText = buildCedarSchema();
    const parsed = parseBundle(DEFAULT_POLICIES, schemaText);
    this.defaultBundle = { version: DEFAULT_BUNDLE_VERSION, loaded: this.engine.load(DEFAULT_BUNDLE_VERSION, parsed, schemaText), tools: new Map() };
  }

  /** Returns the shipped default bundle, parsed once at start. */
  defaultPolicies(): ActiveBundle {
    return this.defaultBundle;
  }

  // NOTE: unlike TenantSnapshots, this never waits for a refresh, so after a quiet spell the first decision
  // still uses the bundle loaded before it, even when another replica has activated a new version since.
  async activeBundle(tenantId: string): Promise<ActiveBundle> {
    const entry = this.active.get(tenantId);
    if (!entry) {
      const bundle = await this.loadActive(tenantId);
      this.active.set(tenantId, { bundle, checkedAt: Date.now() });
      return bundle;
    }
    if (Date.now() - entry.checkedAt > REFRESH_AFTER_MS && !entry.refreshing) {
      entry.refreshing = this.loadActive(tenantId)
        .then((bundle) => {
          this.active.set(tenantId, { bundle, checkedAt: Date.now() });
        })
        .catch((error: unknown) => {
          entry.refreshing = undefined;
          this.logger.error({ err: error, tenantId }, 'active bundle refresh failed; keeping the loaded one');
        });
    }
    return entry.bundle;
  }

  /** Called after this replica changes the activation, so its next decision uses the new version. */
  async reload(tenantId: string): Promise<ActiveBundle> {
    const bundle = await this.loadActive(tenantId);
    this.active.set(tenantId, { bundle, checkedAt: Date.now() });
    return bundle;
  }

  private async loadActive(tenantId: string): Promise<ActiveBundle> {
    const [current] = await this.store.activations(this.pool, tenantId, 1);
    if (!current) return this.defaultBundle;
    const cached = this.active.get(tenantId)?.bundle;
    const label = bundleVersionLabel(current.version);
    if (cached?.version === label) return cached;

    const stored = await this.store.findVersion(tenantId, current.version);
    if (!stored) throw new Error(`active bundle ${label} of tenant ${tenantId} is missing from bundle_versions`);
    const parsed = parseBundle(stored.policies, stored.schemaText);
    const loaded = this.engine.load(label, parsed, stored.schemaText);
    this.logger.info({ tenantId, version: label, policies: Object.keys(parsed.policies).length }, 'policy bundle loaded');
    return { version: label, loaded, tools: new Map(stored.tools.map((t) => [t.name, t])) };
  }
}
