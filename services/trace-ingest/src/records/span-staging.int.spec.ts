import { Pool, PoolClient } from 'pg';
import { testInfrastructure } from '@estate/testing';
import { stageSpanRows, STAGING_TABLE } from './span-staging';
import type { SpanRow } from './span-rows';

const ROW: SpanRow = {
  tenant_id: 't1', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16), parent_span_id: null, name: 'chat', step: 'llm_call',
  start_ns: '1', end_ns: '2', status: 'ok', status_message: null, service: null, environment: null, workflow: null,
  agent: null, tool: null, model: null, provider: null, context: {}, usage: null, reported_cost: null,
  attributes: {}, resource: {}, events: null, scope: null, source: 'otlp-http-protobuf',
};

describe('span staging in Postgres', () => {
  let pool: Pool;
  let client: PoolClient;

  beforeAll(async () => {
    pool = new Pool({ connectionString: testInfrastructure().databaseUrl, max: 1 });
    client = await pool.connect();
  });

  afterAll(async () => {
    client.release();
    await pool.end();
  });

  it('stages again after a rolled-back first batch', async () => {
    await client.query('BEGIN');
    await client.query('SAVEPOINT batch');
    await stageSpanRows(client, [ROW]);
    await client.query('ROLLBACK TO SAVEPOINT batch');

    await stageSpanRows(client, [ROW, { ...ROW, span_id: 'c'.repeat(16) }]);

    const { rows } = await client.query(`SELECT span_id FROM ${STAGING_TABLE} ORDER BY span_id`);
    expect(rows.map((r) => r.span_id)).toEqual(['b'.repeat(16), 'c'.repeat(16)]);
    await client.query('COMMIT');
  });
});
