import { BudgetDefinedV1, BudgetRemovedV1, createEnvelope } from '@estate/contracts';
import { ident } from '@estate/projection';
import { BudgetPeriod, budgetState, calendarWindow, DimensionValues, formatMoney, money } from '@estate/pricing';
import { AppError } from '@estate/service-kit';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { DIMENSION_COLUMN } from '../api/dimensions';
import { SERVICE_NAME } from '../config';
import { appendToOutbox } from '../outbox/outbox';

export interface BudgetDefinition {
  tenantId: string;
  name: string;
  scope: DimensionValues;
  period: BudgetPeriod;
  softLimit: string | null;
  hardLimit: string | null;
  thresholds: number[];
  definedBy: string;
}

/** Rejects a budget without limits or with a soft limit above its hard limit, naming the field. */
export function checkLimits(softLimit: string | null, hardLimit: string | null): void {
  if (softLimit === null && hardLimit === null) throw new AppError('invalid_argument', 'a budget needs softLimit, hardLimit or both', 'hardLimit');
  for (const [field, value] of [['softLimit', softLimit], ['hardLimit', hardLimit]] as const) {
    // decimal.js counts zero as positive, so the check is greater than zero.
    if (value !== null && !money(value).gt(0)) throw new AppError('invalid_argument', `${field} must be a decimal string above zero, such as "250.00", got "${value}"`, field);
  }
  if (softLimit !== null && hardLimit !== null && money(softLimit).gt(money(hardLimit))) {
    throw new AppError('invalid_argument', `softLimit ${softLimit} is above hardLimit ${hardLimit}; the soft limit warns before the hard one denies`, 'softLimit');
  }
}

/**
 * Creates a budget and announces it. A calendar budget starts with the spend
 * its scope already had in the current period (read from the hourly rollup),
 * so a budget defined mid-month is not blind to the month so far.
 */
export async function defineBudget(client: PoolClient, schema: string, definition: BudgetDefinition, now: Date): Promise<string> {
  checkLimits(definition.softLimit, definition.hardLimit);
  const s = ident(schema);
  const budgetId = uuidv7();
  await client.query(
    `INSERT INTO ${s}.budgets (tenant_id, budget_id, name, scope, period, soft_limit, hard_limit, thresholds, defined_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [definition.tenantId, budgetId, definition.name, JSON.stringify(definition.scope), definition.period, definition.softLimit, definition.hardLimit, definition.thresholds, definition.definedBy],
  );

  if (definition.period !== 'run') {
    const window = calendarWindow(definition.period, now);
    const params: unknown[] = [definition.tenantId, window.start, window.end];
    const filters = Object.entries(definition.scope).map(([dimension, value]) => {
      params.push(value);
      return `AND ${DIMENSION_COLUMN[dimension as keyof typeof DIMENSION_COLUMN]} = $${params.length}`;
    });
    const { rows } = await client.query<{ spent: string }>(
      `SELECT coalesce(sum(cost), 0)::text AS spent FROM ${s}.cost_rollup_hourly WHERE tenant_id = $1 AND bucket >= $2 AND bucket < $3 ${filters.join(' ')}`,
      params,
    );
    const spent = money(rows[0].spent);
    await client.query(`INSERT INTO ${s}.budget_periods (tenant_id, budget_id, period_key, spent, state) VALUES ($1, $2, $3, $4, $5)`, [
      definition.tenantId,
      budgetId,
      window.start.toISOString(),
      formatMoney(spent),
      budgetState(spent, definition),
    ]);
  }

  const payload = {
    budgetId,
    name: definition.name,
    scope: definition.scope,
    period: definition.period,
    ...(definition.softLimit !== null ? { softLimit: definition.softLimit } : {}),
    ...(definition.hardLimit !== null ? { hardLimit: definition.hardLimit } : {}),
    thresholds: definition.thresholds,
    definedBy: definition.definedBy,
  };
  const envelope = createEnvelope({ type: BudgetDefinedV1.type, schemaVersion: 1, tenantId: definition.tenantId, producer: SERVICE_NAME, key: budgetId, payload });
  await appendToOutbox(client, schema, [envelope]);
  return budgetId;
}

/**
 * Removes a budget and announces it: it stops counting spend, raising
 * events and limiting decisions, while its row and periods stay for
 * history. A budget is removed once; a second removal is a conflict.
 */
export async function removeBudget(client: PoolClient, schema: string, removal: { tenantId: string; budgetId: string; removedBy: string; reason: string }): Promise<{ budgetId: string; name: string; removedAt: string }> {
  const s = ident(schema);
  const { rows } = await client.query<{ name: string; removed_at: Date | null }>(
    `SELECT name, removed_at FROM ${s}.budgets WHERE tenant_id = $1 AND budget_id = $2 FOR UPDATE`,
    [removal.tenantId, removal.budgetId],
  );
  const budget = rows[0];
  if (!budget) throw new AppError('not_found', `budget ${removal.budgetId} not found; GET /v1/budgets lists this tenant's budgets`, 'budgetId');
  if (budget.removed_at) throw new AppError('conflict', `budget ${removal.budgetId} was already removed at ${budget.removed_at.toISOString()}`, 'budgetId');

  const { rows: updated } = await client.query<{ removed_at: Date }>(
    `UPDATE ${s}.budgets SET removed_at = now(), removed_by = $3, removal_reason = $4 WHERE tenant_id = $1 AND budget_id = $2 RETURNING removed_at`,
    [removal.tenantId, removal.budgetId, removal.removedBy, removal.reason],
  );
  const payload = { budgetId: removal.budgetId, name: budget.name, removedBy: removal.removedBy, reason: removal.reason };
  const envelope = createEnvelope({ type: BudgetRemovedV1.type, schemaVersion: 1, tenantId: removal.tenantId, producer: SERVICE_NAME, key: removal.budgetId, payload });
  await appendToOutbox(client, schema, [envelope]);
  return { budgetId: removal.budgetId, name: budget.name, removedAt: updated[0].removed_at.toISOString() };
}
