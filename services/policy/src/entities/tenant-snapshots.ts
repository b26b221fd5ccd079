import type { Logger } from 'pino';

/** How long a tenant's snapshot serves decisions before a background check for newer data. */
export const SNAPSHOT_CHECK_AFTER_MS = 1000;
/** Age past which a request waits for the check instead of deciding on the old snapshot (after a quiet spell). */
export const SNAPSHOT_MAX_AGE_MS = 5000;

/**
 * Per-tenant read model snapshots kept in memory. The first request of a
 * tenant waits for the load; later requests get the current snapshot at
 * once while a check runs in the background at most every
 * SNAPSHOT_CHECK_AFTER_MS, so projections written by any replica reach
 * this one within about that delay while requests keep coming. After a
 * quiet spell longer than SNAPSHOT_MAX_AGE_MS the request waits for the
 * check, so a budget that reached its hard limit meanwhile is not missed.
 * `load` receives the previous snapshot and may return it unchanged when
 * nothing moved.
 */
export class TenantSnapshots<T> {
  private readonly tenants = new Map<string, { snapshot: Promise<T>; checkedAt: number; refreshing?: Promise<void> }>();

  constructor(
    private readonly what: string,
    private readonly load: (tenantId: string, previous: T | undefined) => Promise<T>,
    private readonly logger: Logger,
  ) {}

  get(tenantId: string): Promise<T> {
    const entry = this.tenants.get(tenantId);
    if (!entry) {
      const snapshot = this.load(tenantId, undefined);
      this.tenants.set(tenantId, { snapshot, checkedAt: Date.now() });
      snapshot.catch(() => this.tenants.delete(tenantId));
      return snapshot;
    }
    const age = Date.now() - entry.checkedAt;
    if (age > SNAPSHOT_CHECK_AFTER_MS && !entry.refreshing) entry.refreshing = this.refresh(tenantId, entry);
    if (age > SNAPSHOT_MAX_AGE_MS && entry.refreshing) return entry.refreshing.then(() => (this.tenants.get(tenantId) ?? entry).snapshot);
    return entry.snapshot;
  }

  private async refresh(tenantId: string, entry: { snapshot: Promise<T>; checkedAt: number; refreshing?: Promise<void> }): Promise<void> {
    try {
      const next = await this.load(tenantId, await entry.snapshot);
      this.tenants.set(tenantId, { snapshot: Promise.resolve(next), checkedAt: Date.now() });
    } catch (error) {
      entry.refreshing = undefined;
      entry.checkedAt = Date.now();
      this.logger.error({ err: error, tenantId }, `${this.what} refresh failed; keeping the loaded snapshot`);
    }
  }
}
