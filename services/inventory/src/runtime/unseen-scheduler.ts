import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ident } from '@estate/projection';
import { PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { UnseenScanSettings, unseenScanSettingsFrom } from '../config';
import { RuntimeFindings } from './runtime-findings';

/**
 * Scans every tenant on an interval for active runtime assets that
 * telemetry has not shown within the window, and raises
 * `inventory.runtime.registered-asset-unseen` for each. The finding's
 * subject is the asset and the start of its absence, so an asset is
 * reported once per absence: again only after it was seen and then went
 * unseen for another window. Replicas scanning at once are harmless,
 * because the finding's primary key admits one insert per subject.
 */
@Injectable()
export class UnseenScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private scanning?: Promise<void>;
  private readonly settings: UnseenScanSettings;
  private readonly log: Logger;

  constructor(
    private readonly findings: RuntimeFindings,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.settings = unseenScanSettingsFrom(options.config as unknown as Record<string, unknown>);
    this.log = logger.child({ component: 'unseen-scheduler' });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    }, this.settings.intervalMs);
    this.log.info(this.settings, 'unseen-asset scheduler started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.scanning;
    this.log.info('unseen-asset scheduler stopped');
  }

  /** Reports unseen assets of every tenant in the access read model that has assets; a failing tenant is logged and retried on the next scan. */
  async scan(now = new Date()): Promise<void> {
    const since = new Date(now.getTime() - this.settings.windowMs);
    const s = ident(this.options.schema);
    let tenants: string[];
    try {
      const result = await this.pool.query<{ tenant_id: string }>(
        `SELECT t.tenant_id FROM ${s}.tenants t WHERE EXISTS (SELECT 1 FROM ${s}.aggregates a WHERE a.tenant_id = t.tenant_id AND a.aggregate_type = 'asset')`,
      );
      tenants = result.rows.map((r) => r.tenant_id);
    } catch (error) {
      this.log.error({ err: error }, 'unseen-asset scan could not list tenants; the next scan retries');
      return;
    }
    for (const tenantId of tenants) {
      try {
        const { reported } = await this.findings.reportUnseen(tenantId, since);
        if (reported.length > 0) this.log.info({ tenantId, since: since.toISOString(), reported: reported.length }, 'registered assets unseen at runtime');
      } catch (error) {
        this.log.error({ err: error, tenantId }, 'unseen-asset scan failed for tenant; the next scan retries');
      }
    }
  }
}
