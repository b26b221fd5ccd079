import { EventEnvelope, PolicyBundlePublished, PolicyBundlePublishedV1, Topics } from '@estate/contracts';
import { ident, Projection, ProjectionContext } from '@estate/projection';

/**
 * Keeps every policy id each tenant has published, from
 * `policy.bundle.published`, so an exception window can be checked against
 * real ids without calling the policy service. Ids are only added: a window
 * may name a policy of a version that is published but not yet active.
 */
export class BundlePolicyIdsProjection implements Projection {
  readonly name = 'bundle-policy-ids';
  readonly topics = [Topics.policyEvents];
  readonly handles = [PolicyBundlePublishedV1.type];
  readonly tables = [{ name: 'bundle_policy_ids' }];

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const tenants: string[] = [];
    const policyIds: string[] = [];
    const versions: string[] = [];
    for (const event of events as Array<EventEnvelope<PolicyBundlePublished>>) {
      for (const policyId of event.payload.policyIds) {
        tenants.push(event.tenantId);
        policyIds.push(policyId);
        versions.push(event.payload.version);
      }
    }
    if (policyIds.length === 0) return;
    // The first version that published an id stays recorded, so a replay writes the same rows.
    await client.query(
      `INSERT INTO ${ident(schema)}.bundle_policy_ids (tenant_id, policy_id, first_version)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT (tenant_id, policy_id) DO NOTHING`,
      [tenants, policyIds, versions],
    );
  }
}
