import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { ident } from '@estate/projection';

export type MigrationClass = new () => MigrationInterface;

/**
 * Declares an append-only SQL migration. `name` must end with a timestamp
 * (TypeORM orders by it); `statements` receives the target schema so the
 * same migration builds the live schema and a rebuild schema.
 */
export function sqlMigration(name: string, statements: (schema: string) => string[]): MigrationClass {
  const migration = class implements MigrationInterface {
    name = name;

    async up(runner: QueryRunner): Promise<void> {
      const schema = (runner.connection.options as { schema?: string }).schema as string;
      for (const statement of statements(schema)) await runner.query(statement);
    }

    async down(): Promise<void> {
      throw new Error(`migration ${name} is append-only; restore from a rebuild instead of reverting`);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}

/** Creates the schema if missing and applies pending migrations, each in its own transaction. */
export async function runMigrations(databaseUrl: string, schema: string, migrations: MigrationClass[]): Promise<string[]> {
  const bootstrap = new DataSource({ type: 'postgres', url: databaseUrl });
  await bootstrap.initialize();
  try {
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  } finally {
    await bootstrap.destroy();
  }

  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    schema,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
  });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
