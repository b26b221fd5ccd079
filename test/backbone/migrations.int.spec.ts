import { runMigrations, MigrationClass } from '@estate/service-kit';
import { dropSchema, freshSchemaName, testInfrastructure } from '@estate/testing';
import { Pool } from 'pg';
import { migrations as approvals } from '../../services/approvals/src/migrations';
import { migrations as costLedger } from '../../services/cost-ledger/src/migrations';
import { migrations as inventory } from '../../services/inventory/src/migrations';
import { migrations as policy } from '../../services/policy/src/migrations';
import { migrations as reporting } from '../../services/reporting/src/migrations';
import { migrations as traceIngest } from '../../services/trace-ingest/src/migrations';

jest.setTimeout(120_000);

const services: Record<string, MigrationClass[]> = {
  inventory,
  policy,
  approvals,
  'trace-ingest': traceIngest,
  'cost-ledger': costLedger,
  reporting,
};

describe.each(Object.entries(services))('migrations of %s', (_name, migrations) => {
  const infra = testInfrastructure();
  const pool = new Pool({ connectionString: infra.databaseUrl, max: 2 });
  const schema = freshSchemaName('migrations');

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('apply in order to an empty schema, each on the schema before it', async () => {
    // Applying one more migration at a time checks every migration against the state its predecessors left.
    for (let count = 1; count <= migrations.length; count++) {
      const applied = await runMigrations(infra.databaseUrl, schema, migrations.slice(0, count));
      expect(applied).toEqual([new migrations[count - 1]().name]);
    }
  });

  it('apply nothing the second time', async () => {
    expect(await runMigrations(infra.databaseUrl, schema, migrations)).toEqual([]);
  });

  it('name every table and column in snake_case', async () => {
    const result = await pool.query<{ name: string }>(
      `SELECT table_name || '.' || column_name AS name FROM information_schema.columns WHERE table_schema = $1`,
      [schema],
    );
    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.rows.map((r) => r.name).filter((n) => !/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(n))).toEqual([]);
  });
});
