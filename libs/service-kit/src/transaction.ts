import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';

/**
 * Runs `work` in one transaction on a pooled client: BEGIN, then COMMIT, or
 * ROLLBACK on any throw, so a command is never half applied. The caller
 * always sees the error from `work`. When the ROLLBACK itself fails, that
 * failure is logged and the client is destroyed rather than returned to the
 * pool, because its connection may still hold the open transaction.
 */
export async function withTransaction<T>(pool: Pool, logger: Logger, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
      logger.error({ err: rollbackError, cause: error }, 'transaction rollback failed; discarding the connection');
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
