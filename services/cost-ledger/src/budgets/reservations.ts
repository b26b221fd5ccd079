import { ident } from '@estate/projection';
import { DimensionValues, formatMoney, money, Money, scopeMatches } from '@estate/pricing';
import { AppError } from '@estate/service-kit';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { BudgetRow, loadBudgets, periodKeyFor } from './budget-rows';
import { recordSpend } from './budget-spend';

export interface ReservationRequest {
  tenantId: string;
  scope: DimensionValues;
  sessionId: string | null;
  traceId: string | null;
  amount: Money;
  ttlSeconds: number;
  now: Date;
}

export interface HeldLine {
  budgetId: string;
  name: string;
  periodKey: string;
}

/**
 * Reserves an estimated cost against every hard-limited budget the call
 * falls under, or against none. Each budget period is updated with a
 * conditional UPDATE (spent + reserved + amount <= hard limit); Postgres
 * re-checks that condition on the latest row version after waiting for a
 * concurrent writer's lock, so concurrent reservations can never together
 * exceed the limit. Periods are locked in (budget, period) order, the order
 * `recordSpend` also uses, so two writers do not deadlock on them.
 */
export async function reserve(client: PoolClient, schema: string, request: ReservationRequest): Promise<{ reservationId: string; expiresAt: Date; lines: HeldLine[] }> {
  const s = ident(schema);
  const budgets = (await loadBudgets(client, schema, [request.tenantId])).filter((b) => b.hardLimit != null && scopeMatches(b.scope, request.scope));
  const lines = budgets
    .map((budget) => ({ budget, periodKey: periodKeyFor(budget.period, request.now, request) }))
    .filter((line): line is { budget: BudgetRow; periodKey: string } => line.periodKey !== null)
    .sort((a, b) => compareText(`${a.budget.budgetId}\u0000${a.periodKey}`, `${b.budget.budgetId}\u0000${b.periodKey}`));

  for (const { budget, periodKey } of lines) {
    await client.query(
      `INSERT INTO ${s}.budget_periods (tenant_id, budget_id, period_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [request.tenantId, budget.budgetId, periodKey],
    );
    const updated = await client.query<{ spent: string }>(
      `UPDATE ${s}.budget_periods SET reserved = reserved + $4::numeric
       WHERE tenant_id = $1 AND budget_id = $2 AND period_key = $3 AND spent + reserved + $4::numeric <= $5::numeric
       RETURNING spent::text`,
      [request.tenantId, budget.budgetId, periodKey, formatMoney(request.amount), budget.hardLimit],
    );
    if (updated.rowCount === 0) {
      const current = await client.query<{ spent: string; reserved: string }>(
        `SELECT spent::text, reserved::text FROM ${s}.budget_periods WHERE tenant_id = $1 AND budget_id = $2 AND period_key = $3`,
        [request.tenantId, budget.budgetId, periodKey],
      );
      const { spent, reserved } = current.rows[0];
      throw new AppError(
        'conflict',
        `budget "${budget.name}" (${budget.budgetId}) cannot cover ${formatMoney(request.amount)} USD in period ${periodKey}: ` +
          `spent ${spent}, reserved ${reserved}, hard limit ${budget.hardLimit}; deny the call or ask for approval`,
        'amount',
      );
    }
  }

  const reservationId = uuidv7();
  const expiresAt = new Date(request.now.getTime() + request.ttlSeconds * 1000);
  await client.query(
    `INSERT INTO ${s}.budget_reservations (reservation_id, tenant_id, amount, status, created_at, expires_at) VALUES ($1, $2, $3, 'held', $4, $5)`,
    [reservationId, request.tenantId, formatMoney(request.amount), request.now, expiresAt],
  );
  if (lines.length > 0) {
    await client.query(
      `INSERT INTO ${s}.budget_reservation_lines (reservation_id, tenant_id, budget_id, period_key)
       SELECT $1, $2, * FROM unnest($3::uuid[], $4::text[])`,
      [reservationId, request.tenantId, lines.map((l) => l.budget.budgetId), lines.map((l) => l.periodKey)],
    );
  }
  return { reservationId, expiresAt, lines: lines.map((l) => ({ budgetId: l.budget.budgetId, name: l.budget.name, periodKey: l.periodKey })) };
}

interface LockedReservation {
  amount: Money;
  status: string;
  lines: Array<{ budgetId: string; periodKey: string }>;
}

async function lockReservation(client: PoolClient, schema: string, tenantId: string, reservationId: string): Promise<LockedReservation> {
  const s = ident(schema);
  const found = await client.query<{ amount: string; status: string }>(
    `SELECT amount::text, status FROM ${s}.budget_reservations WHERE tenant_id = $1 AND reservation_id = $2 FOR UPDATE`,
    [tenantId, reservationId],
  );
  if (!found.rows[0]) throw new AppError('not_found', `reservation ${reservationId} does not exist`, 'reservationId');
  const lines = await client.query<{ budget_id: string; period_key: string }>(
    `SELECT budget_id, period_key FROM ${s}.budget_reservation_lines WHERE reservation_id = $1 ORDER BY budget_id, period_key`,
    [reservationId],
  );
  return { amount: money(found.rows[0].amount), status: found.rows[0].status, lines: lines.rows.map((l) => ({ budgetId: l.budget_id, periodKey: l.period_key })) };
}

async function releaseHold(client: PoolClient, schema: string, tenantId: string, reservation: LockedReservation): Promise<void> {
  for (const line of reservation.lines) {
    await client.query(
      `UPDATE ${ident(schema)}.budget_periods SET reserved = greatest(reserved - $4::numeric, 0) WHERE tenant_id = $1 AND budget_id = $2 AND period_key = $3`,
      [tenantId, line.budgetId, line.periodKey, formatMoney(reservation.amount)],
    );
  }
}

/**
 * Replaces a held reservation by the call's actual cost. With a usage id,
 * usage the ledger already priced under that id is not added again. When the
 * usage arrives later instead, its price replaces the settled amount, because
 * the settled amount is stored per budget and subtracted then.
 */
export async function settle(
  client: PoolClient,
  schema: string,
  tenantId: string,
  reservationId: string,
  actualCost: Money,
  usageId: string | null,
  now: Date,
): Promise<{ status: string; countedFromUsage: boolean }> {
  const s = ident(schema);
  const reservation = await lockReservation(client, schema, tenantId, reservationId);
  if (reservation.status !== 'held') {
    throw new AppError('conflict', `reservation ${reservationId} is already ${reservation.status}; only a held reservation can be settled`, 'reservationId');
  }
  await releaseHold(client, schema, tenantId, reservation);

  let countedFromUsage = false;
  if (usageId) {
    const known = await client.query(`SELECT 1 FROM ${s}.usage_records WHERE tenant_id = $1 AND usage_id = $2`, [tenantId, usageId]);
    countedFromUsage = (known.rowCount ?? 0) > 0;
  }
  if (!countedFromUsage && reservation.lines.length > 0) {
    const budgets = await loadBudgets(client, schema, [tenantId]);
    const deltas = reservation.lines.flatMap((line) => {
      const budget = budgets.find((b) => b.budgetId === line.budgetId);
      return budget ? [{ budget, periodKey: line.periodKey, amount: actualCost }] : [];
    });
    if (usageId) {
      await client.query(
        `INSERT INTO ${s}.budget_settlements (tenant_id, usage_id, budget_id, period_key, amount)
         SELECT $1, $2, * FROM unnest($3::uuid[], $4::text[], $5::numeric[])`,
        [tenantId, usageId, deltas.map((d) => d.budget.budgetId), deltas.map((d) => d.periodKey), deltas.map(() => formatMoney(actualCost))],
      );
    }
    await recordSpend(client, schema, deltas);
  }
  await client.query(
    `UPDATE ${s}.budget_reservations SET status = 'settled', actual_cost = $3, usage_id = $4, settled_at = $5 WHERE tenant_id = $1 AND reservation_id = $2`,
    [tenantId, reservationId, formatMoney(actualCost), usageId, now],
  );
  return { status: 'settled', countedFromUsage };
}

/** Returns a held reservation's amount to its budgets without spending it (the call did not run, or the hold expired). */
export async function release(client: PoolClient, schema: string, tenantId: string, reservationId: string, status: 'released' | 'expired', now: Date): Promise<void> {
  const reservation = await lockReservation(client, schema, tenantId, reservationId);
  if (reservation.status !== 'held') {
    throw new AppError('conflict', `reservation ${reservationId} is already ${reservation.status}; only a held reservation can be released`, 'reservationId');
  }
  await releaseHold(client, schema, tenantId, reservation);
  await client.query(`UPDATE ${ident(schema)}.budget_reservations SET status = $3, settled_at = $4 WHERE tenant_id = $1 AND reservation_id = $2`, [tenantId, reservationId, status, now]);
}

function compareText(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}
