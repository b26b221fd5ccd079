/**
 * Creates the development tenant and one API key per role on first start,
 * and writes the keys to .estate/dev-keys.json (mode 600). Later runs reuse
 * the file while the access topic still holds the tenant; after a Kafka
 * reset they issue new keys.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiKey } from '@estate/access';
import { hostList, loadConfigOrExit, text } from '@estate/config';
import { ApiKeyCreatedV1, createEnvelope, EventEnvelope, ROLES, TenantCreatedV1, Topics } from '@estate/contracts';
import { EventPublisher, KafkaBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';

const config = loadConfigOrExit('dev-tenant', {
  KAFKA_BROKERS: hostList('Kafka bootstrap brokers', '127.0.0.1:9092'),
  ESTATE_DEV_TENANT: text('Tenant id of the development tenant', { default: 'dev' }),
  ESTATE_KEYS_FILE: text('Where the development keys are written', { default: path.join(process.cwd(), '.estate', 'dev-keys.json') }),
});

interface KeysFile {
  tenantId: string;
  keys: Record<string, string>;
}

async function accessTopicHasTenant(bus: KafkaBus, keysFile: string, tenantId: string): Promise<boolean> {
  if (!existsSync(keysFile)) return false;
  const saved = JSON.parse(readFileSync(keysFile, 'utf8')) as KeysFile;
  if (saved.tenantId !== tenantId) return false;
  const offsets = await bus.topicOffsets(Topics.accessEvents);
  return offsets.some((o) => BigInt(o.high) > BigInt(o.low));
}

async function run(): Promise<void> {
  const logger = createLogger('tools', 'warn');
  const bus = new KafkaBus({ clientId: 'estate-dev-tenant', brokers: config.KAFKA_BROKERS }, logger);
  const tenantId = config.ESTATE_DEV_TENANT;
  const keysFile = config.ESTATE_KEYS_FILE;
  try {
    if (await accessTopicHasTenant(bus, keysFile, tenantId)) {
      process.stdout.write(`dev tenant "${tenantId}" exists; API keys (one per role) are in ${keysFile}\n`);
      return;
    }
    const envelopes: EventEnvelope[] = [
      createEnvelope({ type: TenantCreatedV1.type, schemaVersion: 1, tenantId, producer: 'dev-tenant', key: tenantId, payload: { tenantId, name: 'Development tenant', createdBy: 'dev-tenant' } }),
    ];
    const keys: Record<string, string> = {};
    for (const role of ROLES) {
      const generated = generateApiKey();
      keys[role] = generated.key;
      const payload = { keyId: generated.keyId, tenantId, role, keyHash: generated.keyHash, label: `development ${role} key`, createdBy: 'dev-tenant' };
      envelopes.push(createEnvelope({ type: ApiKeyCreatedV1.type, schemaVersion: 1, tenantId, producer: 'dev-tenant', key: tenantId, payload }));
    }
    await new EventPublisher(bus).publish(envelopes);
    mkdirSync(path.dirname(keysFile), { recursive: true });
    writeFileSync(keysFile, JSON.stringify({ tenantId, keys } satisfies KeysFile, null, 2) + '\n', { mode: 0o600 });
    chmodSync(keysFile, 0o600);
    process.stdout.write(`created dev tenant "${tenantId}"; API keys (one per role) written to ${keysFile}\n`);
  } finally {
    await bus.close();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`dev-tenant failed: ${(error as Error).message}\n`);
  process.exit(1);
});
