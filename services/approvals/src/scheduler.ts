import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Logger } from 'pino';
import { ApprovalService } from './approvals/approval.service';
import { approvalsSettingsFrom } from './config';
import { WindowService } from './windows/window.service';

/**
 * Expires approvals and exception windows on time. Rows are claimed with
 * SKIP LOCKED, so replicas sweeping at once never expire the same row twice.
 */
@Injectable()
export class ExpiryScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private readonly intervalMs: number;

  constructor(
    private readonly approvals: ApprovalService,
    private readonly windows: WindowService,
    @Inject(SERVICE_OPTIONS) options: ServiceOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.intervalMs = approvalsSettingsFrom(options.config as unknown as Record<string, unknown>).schedulerIntervalMs;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    }, this.intervalMs);
    this.logger.info({ intervalMs: this.intervalMs }, 'expiry scheduler started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    this.logger.info('expiry scheduler stopped');
  }

  private async sweep(): Promise<void> {
    try {
      const now = new Date();
      const approvals = await this.approvals.expireDue(now);
      const windows = await this.windows.expireDue(now);
      if (approvals + windows > 0) this.logger.info({ approvals, windows }, 'expired approvals and exception windows');
    } catch (error) {
      this.logger.error({ err: error }, 'expiry sweep failed; the next sweep retries');
    }
  }
}
