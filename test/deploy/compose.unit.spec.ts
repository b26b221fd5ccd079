import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { ConfigSchema } from '@estate/config';
import { configSchema as approvals } from '../../services/approvals/src/config';
import { configSchema as costLedger } from '../../services/cost-ledger/src/config';
import { configSchema as inventory } from '../../services/inventory/src/config';
import { configSchema as policy } from '../../services/policy/src/config';
import { configSchema as reporting } from '../../services/reporting/src/config';
import { configSchema as traceIngest } from '../../services/trace-ingest/src/config';

// docker compose cannot run on machines without a Docker engine, so this
// test keeps the file honest against the config schemas the services load.
const schemas: Record<string, ConfigSchema> = {
  inventory,
  policy,
  approvals,
  'trace-ingest': traceIngest,
  'cost-ledger': costLedger,
  reporting,
};

interface ComposeService {
  environment?: Record<string, string>;
  ports?: string[];
}

const compose = parse(readFileSync(path.join(__dirname, '../../docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

describe.each(Object.keys(schemas))('docker-compose service %s', (name) => {
  const service = compose.services[name];
  const schema = schemas[name];
  const environment = service?.environment ?? {};

  it('exists and names its service', () => {
    expect(service).toBeDefined();
    expect(environment.SERVICE).toBe(name);
  });

  it('sets only variables the service reads', () => {
    const unknown = Object.keys(environment).filter((v) => v !== 'SERVICE' && !(v in schema));
    expect(unknown).toEqual([]);
  });

  it('sets every required variable that has no default', () => {
    const required = Object.entries(schema).filter(([, spec]) => spec.default === undefined && spec.required !== false);
    const missing = required.map(([v]) => v).filter((v) => !(v in environment));
    expect(missing).toEqual([]);
  });

  it('gives values the service accepts', () => {
    for (const [variable, value] of Object.entries(environment)) {
      if (variable === 'SERVICE') continue;
      expect(() => schema[variable].parse(String(value))).not.toThrow();
    }
  });

  it('publishes the default ports', () => {
    const published = (service.ports ?? []).map((p) => p.split(':')[0]);
    for (const variable of Object.keys(schema).filter((v) => v.endsWith('_PORT'))) {
      const port = String(environment[variable] ?? schema[variable].default);
      expect(port).toBe(schema[variable].default);
      expect(published).toContain(port);
    }
  });

  it('points at the compose broker and database', () => {
    expect(environment.KAFKA_BROKERS).toBe('kafka:9092');
    expect(new URL(environment.DATABASE_URL).hostname).toBe('postgres');
  });
});
