import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { parseLiteLlmCatalog } from '@estate/pricing';
import { PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions, withTransaction } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { storeCatalogVersion } from './catalog-import';
import { ALL_TENANTS } from './price-books';

/** The catalog shipped in data/pricing, in force from the epoch until an operator imports a newer version. */
export const DEFAULT_CATALOG_PATH = path.join(__dirname, '../../../../data/pricing/litellm-model-prices.json');
const SHIPPED_EFFECTIVE_FROM = new Date('1970-01-01T00:00:00Z');

/**
 * Imports the shipped catalog before the projections start (module init runs
 * before application bootstrap), so the first usage is never left unpriced
 * for want of a catalog. Importing it again is a no-op.
 */
@Injectable()
export class DefaultCatalogLoader implements OnModuleInit {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const catalog = parseLiteLlmCatalog(readFileSync(DEFAULT_CATALOG_PATH, 'utf8'));
    const result = await withTransaction(this.pool, this.logger, async (client) => {
      // Serialises replicas starting together, which would otherwise both insert the version.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${this.options.schema}.default-catalog`]);
      return storeCatalogVersion(client, this.options.schema, {
        tenantId: ALL_TENANTS,
        catalog,
        format: 'litellm',
        effectiveFrom: SHIPPED_EFFECTIVE_FROM,
        importedBy: 'cost-ledger (shipped default)',
      });
    });
    this.logger.info({ catalogVersion: result.catalogVersion, created: result.created, entries: result.entryCount, sha256: catalog.sha256 }, 'default price catalog ready');
  }
}
