import { randomBytes } from 'node:crypto';
import { KafkaBus } from '@estate/kafka';
import { ident } from '@estate/projection';
import type { Pool } from 'pg';

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Creates a topic used by one test only. */
export async function freshTopic(bus: KafkaBus, prefix: string, partitions = 3): Promise<string> {
  const name = `${prefix}.${uniqueSuffix()}`;
  await bus.ensureTopics([{ name, partitions, retentionMs: -1 }]);
  return name;
}

export function freshSchemaName(prefix: string): string {
  return `t_${prefix}_${uniqueSuffix()}`.toLowerCase();
}

/** Creates an empty Postgres schema used by one test only. */
export async function freshSchema(pool: Pool, prefix: string): Promise<string> {
  const name = freshSchemaName(prefix);
  await pool.query(`CREATE SCHEMA ${ident(name)}`);
  return name;
}

export async function dropSchema(pool: Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
}
