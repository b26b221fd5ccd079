import {
  AssetObserved,
  AssetObservedV1,
  createEnvelope,
  EventEnvelope,
  ObservedAssetRef,
  ScopeDriftDetectedV1,
  Topics,
  UnregisteredAssetSeenV1,
} from '@estate/contracts';
import { ident, Projection, ProjectionContext } from '@estate/projection';
import { insertOutbox } from '../store/event-store';
import { foldToolUses, recordObservedRelationships } from './observed-relationships';

/** Inventory kind for each kind runtime telemetry reports; providers and plain services are not inventory assets. */
export const OBSERVED_TO_ASSET_KIND: Record<string, string | undefined> = {
  model: 'model', agent: 'agent', tool: 'tool', mcp_server: 'mcp-server', workflow: 'workflow', provider: undefined, service: undefined,
};

interface Sighting {
  tenantId: string;
  eventId: string;
  observed: AssetObserved;
}

/**
 * Consumes `trace.asset.observed`: records sightings, and in the same
 * transaction records each new finding (an asset seen but never registered,
 * a tool called by an agent outside its declared relationships) and queues
 * its event in the outbox, so a finding is raised exactly once per subject.
 * A tool used by a registered agent also becomes an observed `calls`
 * relationship (`inventory.relationship.observed`) with its first and last
 * sighting.
 * Tenants unknown to the access read model are skipped, because findings for
 * them would reach nobody.
 */
// TODO: a rebuild from the observations topic alone differs from the live model, because matching, findings and
// the known-tenant filter read the event store and the access model, which a rebuild schema starts without. Revisit by
// moving findings to a consumer of their own and keeping only topic-derived columns here.
export class RuntimeProjection implements Projection {
  readonly name = 'runtime-observations';
  readonly handles = [AssetObservedV1.type];
  readonly tables = [{ name: 'runtime_sightings' }, { name: 'runtime_findings' }];

  /** Tests pass a per-run copy of the observations topic, so a running stack never consumes their sightings. */
  constructor(
    private readonly producer = 'inventory',
    readonly topics: string[] = [Topics.runtimeObservations],
  ) {}

  async apply(events: EventEnvelope[], { client, schema }: ProjectionContext): Promise<void> {
    const s = ident(schema);
    const tenants = await client.query<{ tenant_id: string }>(`SELECT tenant_id FROM ${s}.tenants WHERE tenant_id = ANY($1)`, [[...new Set(events.map((e) => e.tenantId))]]);
    const known = new Set(tenants.rows.map((r) => r.tenant_id));
    const sightings: Sighting[] = events.filter((e) => known.has(e.tenantId)).map((e) => ({ tenantId: e.tenantId, eventId: e.eventId, observed: e.payload as AssetObserved }));
    if (sightings.length === 0) return;

    const matches = await matchRegistered(client, s, sightings);
    await upsertSightings(client, s, sightings, matches);
    const findings: EventEnvelope[] = [];
    for (const sighting of sightings) {
      const { observed } = sighting;
      const kind = OBSERVED_TO_ASSET_KIND[observed.kind];
      if (kind && !matches.get(matchKey(sighting.tenantId, kind, observed.name))) {
        const subject = `${observed.kind}:${observed.name}:${observed.environment ?? ''}`;
        if (await recordFinding(client, s, sighting.tenantId, 'unregistered-asset-seen', subject, observed)) {
          findings.push(this.envelope(sighting, UnregisteredAssetSeenV1.type, `observed:${observed.kind}:${observed.name}`, { observed: ref(observed) }));
        }
      }
      if (observed.kind === 'tool' && observed.viaAgent) {
        const drift = await scopeDrift(client, s, sighting.tenantId, observed.viaAgent, observed.name);
        if (drift && (await recordFinding(client, s, sighting.tenantId, 'scope-drift-detected', `${drift.agentId}:${observed.name}`, observed))) {
          findings.push(this.envelope(sighting, ScopeDriftDetectedV1.type, drift.agentId, { ...drift, toolName: observed.name, observed: ref(observed) }));
        }
      }
    }
    await insertOutbox(client, schema, findings);
    // After the scope check, which counts only declared and imported relationships, so recording the use never hides drift.
    await recordObservedRelationships({ client, schema }, this.producer, foldToolUses(sightings));
  }

  private envelope(sighting: Sighting, type: string, key: string, payload: object): EventEnvelope {
    return createEnvelope({
      type, schemaVersion: 1, tenantId: sighting.tenantId, producer: this.producer, key, payload,
      correlationId: sighting.observed.exampleTraceId, causationId: sighting.eventId,
    });
  }
}

const matchKey = (tenantId: string, kind: string, name: string) => `${tenantId}\u0000${kind}\u0000${name}`;

function ref(observed: AssetObserved): ObservedAssetRef {
  const { kind, ...rest } = observed;
  return { observedKind: kind, ...rest };
}

/** Matches observed names to active assets by name or by any external reference (a provider's model id, say). */
async function matchRegistered(client: ProjectionContext['client'], s: string, sightings: Sighting[]): Promise<Map<string, string>> {
  const keyed = sightings.filter((x) => OBSERVED_TO_ASSET_KIND[x.observed.kind]);
  const result = await client.query<{ tenant_id: string; kind: string; observed_name: string; aggregate_id: string }>(
    `SELECT DISTINCT ON (o.tenant_id, o.kind, o.name) o.tenant_id, o.kind, o.name AS observed_name, a.aggregate_id
     FROM unnest($1::text[], $2::text[], $3::text[]) AS o(tenant_id, kind, name)
     JOIN ${s}.aggregates a ON a.tenant_id = o.tenant_id AND a.aggregate_type = 'asset' AND a.kind = o.kind
       AND a.state->>'lifecycle' <> 'retired'
       AND (a.name = o.name OR EXISTS (SELECT 1 FROM jsonb_each_text(a.state->'externalRefs') r WHERE r.value = o.name))
     ORDER BY o.tenant_id, o.kind, o.name, a.aggregate_id`,
    [keyed.map((x) => x.tenantId), keyed.map((x) => OBSERVED_TO_ASSET_KIND[x.observed.kind]!), keyed.map((x) => x.observed.name)],
  );
  return new Map(result.rows.map((r) => [matchKey(r.tenant_id, r.kind, r.observed_name), r.aggregate_id]));
}

async function upsertSightings(client: ProjectionContext['client'], s: string, sightings: Sighting[], matches: Map<string, string>): Promise<void> {
  const column = <T>(f: (x: Sighting) => T) => sightings.map(f);
  // Several sightings of one key in a batch collapse in SQL first, because one INSERT may not touch a row twice.
  await client.query(
    `INSERT INTO ${s}.runtime_sightings AS r (tenant_id, observed_kind, name, environment, via_agent, provider, workflow, first_seen_at, last_seen_at, example_trace_id, matched_asset_id)
     SELECT tenant_id, kind, name, environment, via_agent, max(provider), max(workflow), min(first_seen), max(last_seen), max(trace_id), max(matched)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[])
       AS t(tenant_id, kind, name, environment, via_agent, provider, workflow, first_seen, last_seen, trace_id, matched)
     GROUP BY tenant_id, kind, name, environment, via_agent
     ON CONFLICT (tenant_id, observed_kind, name, environment, via_agent) DO UPDATE SET
       first_seen_at = least(r.first_seen_at, excluded.first_seen_at), last_seen_at = greatest(r.last_seen_at, excluded.last_seen_at),
       example_trace_id = excluded.example_trace_id, matched_asset_id = coalesce(excluded.matched_asset_id, r.matched_asset_id)`,
    [
      column((x) => x.tenantId), column((x) => x.observed.kind), column((x) => x.observed.name), column((x) => x.observed.environment ?? ''),
      column((x) => x.observed.viaAgent ?? ''), column((x) => x.observed.provider ?? null), column((x) => x.observed.workflow ?? null),
      column((x) => x.observed.firstSeenAt), column((x) => x.observed.lastSeenAt), column((x) => x.observed.exampleTraceId),
      column((x) => { const kind = OBSERVED_TO_ASSET_KIND[x.observed.kind]; return kind ? matches.get(matchKey(x.tenantId, kind, x.observed.name)) ?? null : null; }),
    ],
  );
}

/** Returns true when the finding is new for its subject. */
async function recordFinding(client: ProjectionContext['client'], s: string, tenantId: string, finding: string, subject: string, observed: AssetObserved): Promise<boolean> {
  const inserted = await client.query(
    `INSERT INTO ${s}.runtime_findings (tenant_id, finding, subject, detail, detected_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [tenantId, finding, subject, JSON.stringify(observed), observed.lastSeenAt],
  );
  return inserted.rowCount === 1;
}

/**
 * Finds a registered agent that called the tool without a declared path:
 * neither `calls` to a tool of that name nor `uses` of an MCP server that
 * `exposes` it. Observed relationships do not count, since runtime use is
 * what the check is judging. Returns undefined when the agent is unregistered (that is
 * an unregistered-asset finding instead) or the call is in scope.
 */
async function scopeDrift(client: ProjectionContext['client'], s: string, tenantId: string, agentName: string, toolName: string) {
  const result = await client.query<{ agent_id: string; agent_name: string; tool_id: string | null; in_scope: boolean }>(
    `WITH agent AS (
       SELECT aggregate_id, name FROM ${s}.aggregates
       WHERE tenant_id = $1 AND aggregate_type = 'asset' AND kind = 'agent' AND name = $2 AND state->>'lifecycle' <> 'retired' LIMIT 1),
     tools AS (
       SELECT aggregate_id FROM ${s}.aggregates WHERE tenant_id = $1 AND aggregate_type = 'asset' AND kind = 'tool' AND name = $3),
     live AS (
       SELECT state->>'fromId' AS from_id, state->>'toId' AS to_id, kind AS type FROM ${s}.aggregates
       WHERE tenant_id = $1 AND aggregate_type = 'relationship' AND state->>'endedAt' IS NULL AND state->>'source' <> 'observed')
     SELECT agent.aggregate_id AS agent_id, agent.name AS agent_name, (SELECT aggregate_id FROM tools LIMIT 1) AS tool_id,
       EXISTS (SELECT 1 FROM live WHERE type = 'calls' AND from_id = agent.aggregate_id AND to_id IN (SELECT aggregate_id FROM tools))
       OR EXISTS (SELECT 1 FROM live u JOIN live e ON e.from_id = u.to_id AND e.type = 'exposes'
                  WHERE u.type = 'uses' AND u.from_id = agent.aggregate_id AND e.to_id IN (SELECT aggregate_id FROM tools)) AS in_scope
     FROM agent`,
    [tenantId, agentName, toolName],
  );
  const row = result.rows[0];
  if (!row || row.in_scope) return undefined;
  return { agentId: row.agent_id, agentName: row.agent_name, ...(row.tool_id ? { toolId: row.tool_id } : {}) };
}
