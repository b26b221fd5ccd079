import { Inject, Injectable } from '@nestjs/common';
import { AssetSnapshot, createEnvelope, RegisteredAssetUnseenV1 } from '@estate/contracts';
import { ident } from '@estate/projection';
import { PG_POOL, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import { EventStore, insertOutbox } from '../store/event-store';

/** Kinds that runtime telemetry can show; other kinds (teams, budgets, policy classes) are never "unseen". */
const RUNTIME_VISIBLE_KINDS = ['model', 'agent', 'tool', 'mcp-server', 'workflow'];

@Injectable()
export class RuntimeFindings {
  private readonly schema: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    private readonly store: EventStore,
  ) {
    this.schema = ident(options.schema);
  }

  async list(tenantId: string, finding: string | undefined, limit: number) {
    const result = await this.pool.query(
      `SELECT finding, subject, detail, detected_at FROM ${this.schema}.runtime_findings
       WHERE tenant_id = $1 AND ($2::text IS NULL OR finding = $2) ORDER BY detected_at DESC, subject LIMIT $3`,
      [tenantId, finding ?? null, limit],
    );
    return result.rows.map((r) => ({ finding: r.finding, subject: r.subject, detail: r.detail, detectedAt: new Date(r.detected_at).toISOString() }));
  }

  /** Active, runtime-visible assets registered before the cutoff and not seen since it, with their last sighting. */
  async unseen(tenantId: string, since: Date): Promise<Array<{ asset: AssetSnapshot; lastSeenAt?: string; registeredAt: string }>> {
    const result = await this.pool.query(
      `SELECT a.state, e.recorded_at AS registered_at, max(s.last_seen_at) AS last_seen_at
       FROM ${this.schema}.aggregates a
       JOIN ${this.schema}.asset_events e ON e.tenant_id = a.tenant_id AND e.aggregate_id = a.aggregate_id AND e.version = 1
       LEFT JOIN ${this.schema}.runtime_sightings s ON s.tenant_id = a.tenant_id AND s.matched_asset_id = a.aggregate_id
       WHERE a.tenant_id = $1 AND a.aggregate_type = 'asset' AND a.kind = ANY($2) AND a.state->>'lifecycle' = 'active' AND e.recorded_at < $3
       GROUP BY a.aggregate_id, a.state, e.recorded_at
       HAVING max(s.last_seen_at) IS NULL OR max(s.last_seen_at) < $3
       ORDER BY a.aggregate_id`,
      [tenantId, RUNTIME_VISIBLE_KINDS, since],
    );
    return result.rows.map((r) => ({
      asset: r.state as AssetSnapshot,
      registeredAt: new Date(r.registered_at).toISOString(),
      ...(r.last_seen_at ? { lastSeenAt: new Date(r.last_seen_at).toISOString() } : {}),
    }));
  }

  /** Records a registered-asset-unseen finding and event for each unseen asset not already reported for this window start. */
  async reportUnseen(tenantId: string, since: Date): Promise<{ reported: string[] }> {
    const unseen = await this.unseen(tenantId, since);
    return this.store.transaction(async (client) => {
      const reported: string[] = [];
      const envelopes = [];
      for (const entry of unseen) {
        const unseenSince = entry.lastSeenAt ?? entry.registeredAt;
        const inserted = await client.query(
          `INSERT INTO ${this.schema}.runtime_findings (tenant_id, finding, subject, detail, detected_at)
           VALUES ($1, 'registered-asset-unseen', $2, $3, now()) ON CONFLICT DO NOTHING`,
          [tenantId, `${entry.asset.assetId}:${unseenSince}`, JSON.stringify({ assetId: entry.asset.assetId, kind: entry.asset.kind, name: entry.asset.name, unseenSince })],
        );
        if (inserted.rowCount !== 1) continue;
        reported.push(entry.asset.assetId);
        envelopes.push(createEnvelope({
          type: RegisteredAssetUnseenV1.type, schemaVersion: 1, tenantId, producer: this.options.name, key: entry.asset.assetId,
          payload: { asset: entry.asset, unseenSince, ...(entry.lastSeenAt ? { lastSeenAt: entry.lastSeenAt } : {}) },
        }));
      }
      await insertOutbox(client, this.options.schema, envelopes);
      return { reported };
    });
  }
}
