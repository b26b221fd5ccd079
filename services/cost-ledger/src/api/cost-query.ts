import { AppError } from '@estate/service-kit';
import { ident } from '@estate/projection';
import { COST_DIMENSIONS, CostDimension, DimensionValues, money, toMicros } from '@estate/pricing';
import type { Pool } from 'pg';
import { DIMENSION_COLUMN } from './dimensions';

export const GRANULARITIES = ['hour', 'day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export interface CostQuery {
  tenantId: string;
  from: Date;
  to: Date;
  groupBy: CostDimension[];
  granularity?: Granularity;
  filters: DimensionValues;
  top?: number;
}

const DAY_MS = 86_400_000;

/**
 * Parses `groupBy=workflow,model` into dimensions, rejecting unknown names
 * with the list of valid ones.
 */
export function parseGroupBy(raw: string | undefined): CostDimension[] {
  if (!raw) return [];
  const names = raw.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(COST_DIMENSIONS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new AppError('invalid_argument', `groupBy has unknown dimension(s) ${unknown.join(', ')}; use any of ${COST_DIMENSIONS.join(', ')}`, 'groupBy');
  }
  return [...new Set(names)] as CostDimension[];
}

/**
 * Sums tokens and cost from the rollups over buckets starting in [from, to).
 * The daily rollup serves day, week and month granularity when both ends are
 * UTC midnights; anything else reads the hourly rollup. With `top`, only the
 * N groups with the highest cost over the whole range are returned.
 */
export async function queryCosts(pool: Pool, schema: string, query: CostQuery): Promise<{ table: string; rows: Record<string, unknown>[] }> {
  const daily = query.granularity !== 'hour' && query.from.getTime() % DAY_MS === 0 && query.to.getTime() % DAY_MS === 0;
  const table = daily ? 'cost_rollup_daily' : 'cost_rollup_hourly';
  const params: unknown[] = [query.tenantId, query.from, query.to];
  const where = ['tenant_id = $1', 'bucket >= $2', 'bucket < $3'];
  for (const [dimension, value] of Object.entries(query.filters)) {
    params.push(value);
    where.push(`${DIMENSION_COLUMN[dimension as CostDimension]} = $${params.length}`);
  }
  const groupColumns = query.groupBy.map((d) => DIMENSION_COLUMN[d]);
  const period = query.granularity ? `date_trunc('${query.granularity}', bucket, 'UTC')` : null;
  const selectGroups = [...(period ? [`${period} AS period`] : []), ...groupColumns];
  const groupList = selectGroups.length > 0 ? `GROUP BY ${[...(period ? [period] : []), ...groupColumns].join(', ')}` : '';
  const sums = `sum(calls)::bigint AS calls, sum(unpriced_calls)::bigint AS unpriced_calls, sum(input_tokens)::bigint AS input_tokens,
    sum(output_tokens)::bigint AS output_tokens, sum(cached_input_tokens)::bigint AS cached_input_tokens,
    sum(cache_creation_tokens)::bigint AS cache_creation_tokens, sum(reasoning_tokens)::bigint AS reasoning_tokens, sum(cost)::text AS cost`;

  let topFilter = '';
  if (query.top !== undefined && groupColumns.length > 0) {
    params.push(query.top);
    const key = groupColumns.join(', ');
    topFilter = `AND (${key}) IN (SELECT ${key} FROM ${ident(schema)}.${table} WHERE ${where.join(' AND ')} GROUP BY ${key} ORDER BY sum(cost) DESC, ${key} LIMIT $${params.length})`;
  }
  const order = period ? `ORDER BY period, sum(cost) DESC` : `ORDER BY sum(cost) DESC`;
  const sql = `SELECT ${[...selectGroups, sums].join(', ')} FROM ${ident(schema)}.${table}
    WHERE ${where.join(' AND ')} ${topFilter} ${groupList} ${order} ${query.top !== undefined && !period ? `LIMIT ${Number(query.top)}` : ''}`;
  const { rows } = await pool.query(sql, params);
  return { table, rows: rows.map((row) => toCostRow(row, query.groupBy)) };
}

function toCostRow(row: Record<string, unknown>, groupBy: CostDimension[]): Record<string, unknown> {
  const cost = money((row.cost as string | null) ?? '0');
  const out: Record<string, unknown> = {};
  if (row.period) out.period = (row.period as Date).toISOString();
  for (const dimension of groupBy) out[dimension] = (row[DIMENSION_COLUMN[dimension]] as string) || null;
  return {
    ...out,
    calls: Number(row.calls),
    unpricedCalls: Number(row.unpriced_calls),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    cacheCreationTokens: Number(row.cache_creation_tokens),
    reasoningTokens: Number(row.reasoning_tokens),
    cost: cost.toFixed(),
    costMicros: toMicros(cost).toString(),
  };
}
