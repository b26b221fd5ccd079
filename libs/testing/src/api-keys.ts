import { generateApiKey } from '@estate/access';
import { ApiKeyCreatedV1, createEnvelope, Role, TenantCreatedV1 } from '@estate/contracts';
import { EventPublisher, KafkaBus } from '@estate/kafka';

export interface TestKey {
  tenantId: string;
  role: Role;
  key: string;
  keyId: string;
}

/**
 * Creates a tenant and one API key per role through the real access events,
 * as an administrator would. Services accept the keys once their access
 * projection has applied the events.
 */
export async function issueTestKeys(bus: KafkaBus, tenantId: string, roles: Role[]): Promise<Record<string, TestKey>> {
  const publisher = new EventPublisher(bus);
  const keys: Record<string, TestKey> = {};
  const envelopes = [
    createEnvelope({ type: TenantCreatedV1.type, schemaVersion: 1, tenantId, producer: 'test', key: tenantId, payload: { tenantId, name: tenantId, createdBy: 'test' } }),
  ];
  for (const role of roles) {
    const generated = generateApiKey();
    keys[role] = { tenantId, role, key: generated.key, keyId: generated.keyId };
    envelopes.push(
      createEnvelope({
        type: ApiKeyCreatedV1.type,
        schemaVersion: 1,
        tenantId,
        producer: 'test',
        key: tenantId,
        payload: { keyId: generated.keyId, tenantId, role, keyHash: generated.keyHash, label: `test ${role}`, createdBy: 'test' },
      }) as never,
    );
  }
  await publisher.publish(envelopes);
  return keys;
}
