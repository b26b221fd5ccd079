import { ConfigError, loadConfig } from './load-config';
import { boolean, hostList, integer, port, postgresUrl, text } from './variables';

const schema = {
  HTTP_PORT: port('HTTP port', 3001),
  KAFKA_BROKERS: hostList('brokers'),
  DATABASE_URL: postgresUrl('database'),
  BATCH: integer('batch size', { default: '100', min: 1, max: 1000 }),
  REDACT: boolean('redact content', false),
  REGION: { ...text('region'), required: false },
};

describe('loadConfig', () => {
  it('applies defaults and parses values', () => {
    const config = loadConfig('svc', schema, { KAFKA_BROKERS: 'a:9092, b:9092', DATABASE_URL: 'postgres://u@h:5432/db', REDACT: 'true' });
    expect(config).toEqual({
      HTTP_PORT: 3001,
      KAFKA_BROKERS: ['a:9092', 'b:9092'],
      DATABASE_URL: 'postgres://u@h:5432/db',
      BATCH: 100,
      REDACT: true,
    });
  });

  it('reports every bad variable at once', () => {
    let caught: unknown;
    try {
      loadConfig('svc', schema, { HTTP_PORT: '99999', KAFKA_BROKERS: 'nohost', BATCH: 'ten', REDACT: 'yes' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.map((p) => p.variable);
    expect(problems).toEqual(['HTTP_PORT', 'KAFKA_BROKERS', 'DATABASE_URL', 'BATCH', 'REDACT']);
  });

  it('hides the value of a sensitive variable', () => {
    const secretUrl = 'mysql://admin:hunter2@db/x';
    expect(() => loadConfig('svc', schema, { KAFKA_BROKERS: 'a:1', DATABASE_URL: secretUrl })).toThrow(/DATABASE_URL: has an invalid value/);
    try {
      loadConfig('svc', schema, { KAFKA_BROKERS: 'a:1', DATABASE_URL: secretUrl });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
