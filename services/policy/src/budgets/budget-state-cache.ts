import { Inject, Injectable } from '@nestjs/common';
import { ident } from '@estate/projection';
import { PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { TenantSnapshots } from '../entities/tenant-snapshots';
import { StoredBudgetState } from './budget-match';

/** Each tenant's budget states as the budget projection stored them, reloaded in the background. */
@Injectable()
export class BudgetStateCache {
  private readonly tenants: TenantSnapshots<StoredBudgetState[]>;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(SERVICE_OPTIONS) options: ServiceOptions,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    const s = ident(options.schema);
    this.tenants = new TenantSnapshots(
      'budget states',
      async (tenantId) => {
        const { rows } = await pool.query<{ budget_id: string; scope: StoredBudgetState['scope']; state: StoredBudgetState['state'] }>(
          `SELECT budget_id, scope, state FROM ${s}.budget_states WHERE tenant_id = $1`,
          [tenantId],
        );
        return rows.map((r) => ({ budgetId: r.budget_id, scope: r.scope, state: r.state }));
      },
      logger,
    );
  }

  states(tenantId: string): Promise<StoredBudgetState[]> {
    return this.tenants.get(tenantId);
  }
}
