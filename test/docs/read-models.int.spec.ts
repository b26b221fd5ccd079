import { dropSchema, freshSchemaName, testInfrastructure } from '@estate/testing';
import { Pool } from 'pg';
import { COMMON_SECTION, migratedTables, missingFrom, readGuide, SERVICE_MIGRATIONS, Tables } from './read-model-guide';

jest.setTimeout(120_000);

describe('read-model guide', () => {
  const infra = testInfrastructure();
  const pool = new Pool({ connectionString: infra.databaseUrl, max: 2 });
  const guide = readGuide();
  const schemas: string[] = [];
  const actual = new Map<string, Tables>();

  beforeAll(async () => {
    for (const [service, migrations] of Object.entries(SERVICE_MIGRATIONS)) {
      const schema = freshSchemaName(`guide_${service.replace(/-/g, '_')}`);
      schemas.push(schema);
      actual.set(service, await migratedTables(infra.databaseUrl, pool, schema, migrations));
    }
  });

  afterAll(async () => {
    for (const schema of schemas) await dropSchema(pool, schema);
    await pool.end();
  });

  /** Returns the guide's tables for a service: its own section plus the tables every service has. */
  function documented(service: string): Tables {
    return new Map([...(guide.get(COMMON_SECTION) ?? new Map()), ...(guide.get(service) ?? new Map())]);
  }

  it('has a section per service', () => {
    const sections = [...guide.keys()].filter((s) => s !== COMMON_SECTION && SERVICE_MIGRATIONS[s]);
    expect(sections.sort()).toEqual(Object.keys(SERVICE_MIGRATIONS).sort());
    expect(guide.get(COMMON_SECTION)?.size).toBeGreaterThan(0);
  });

  it.each(Object.keys(SERVICE_MIGRATIONS))('documents only what %s creates', (service) => {
    expect(missingFrom(documented(service), actual.get(service)!)).toEqual([]);
  });

  it.each(Object.keys(SERVICE_MIGRATIONS))('documents everything %s creates', (service) => {
    expect(missingFrom(actual.get(service)!, documented(service))).toEqual([]);
  });

  it('documents common tables present in every service', () => {
    const common = guide.get(COMMON_SECTION)!;
    for (const service of Object.keys(SERVICE_MIGRATIONS)) {
      expect({ service, missing: missingFrom(common, actual.get(service)!) }).toEqual({ service, missing: [] });
    }
  });
});
