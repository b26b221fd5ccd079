import { AssetKind, AssetObserved, RelationshipObservedV1, RelationshipSnapshot } from '@estate/contracts';
import { ident, ProjectionContext } from '@estate/projection';
import { relationshipId } from '../relationships/relationship-commands';
import { AggregateChange, appendChange } from '../store/event-store';

/** `changedBy` of every change derived from telemetry. */
export const RUNTIME_CHANGED_BY = 'runtime';

/** One agent's use of one tool, folded over every sighting of the pair in a batch. */
export interface ToolUse {
  tenantId: string;
  agentName: string;
  toolName: string;
  firstSeenAt: string;
  lastSeenAt: string;
  exampleTraceId: string;
}

interface ResolvedUse extends ToolUse {
  agentId: string;
  toolId: string;
}

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);
const earlier = (a: string, b: string) => (Date.parse(a) <= Date.parse(b) ? a : b);

/** Folds tool sightings that name an agent into one use per (tenant, agent, tool), keeping the widest window and the newest trace. */
export function foldToolUses(sightings: Array<{ tenantId: string; observed: AssetObserved }>): ToolUse[] {
  const uses = new Map<string, ToolUse>();
  for (const { tenantId, observed } of sightings) {
    if (observed.kind !== 'tool' || !observed.viaAgent) continue;
    const key = `${tenantId}\u0000${observed.viaAgent}\u0000${observed.name}`;
    const seen = uses.get(key);
    if (!seen) {
      uses.set(key, { tenantId, agentName: observed.viaAgent, toolName: observed.name, firstSeenAt: observed.firstSeenAt, lastSeenAt: observed.lastSeenAt, exampleTraceId: observed.exampleTraceId });
      continue;
    }
    seen.firstSeenAt = earlier(seen.firstSeenAt, observed.firstSeenAt);
    if (later(seen.lastSeenAt, observed.lastSeenAt) === observed.lastSeenAt) seen.exampleTraceId = observed.exampleTraceId;
    seen.lastSeenAt = later(seen.lastSeenAt, observed.lastSeenAt);
  }
  return [...uses.values()];
}

/**
 * Returns the relationship after runtime showed the use, or undefined when
 * the use adds nothing (the live relationship was already seen as late).
 * A sighting never downgrades a declared or imported source; it reopens an
 * ended relationship as observed, because the use is happening again.
 */
export function decideObserved(current: RelationshipSnapshot | undefined, use: ResolvedUse): RelationshipSnapshot | undefined {
  const live = current && !current.endedAt ? current : undefined;
  if (live && Date.parse(live.lastSeenAt) >= Date.parse(use.lastSeenAt)) return undefined;
  const next: RelationshipSnapshot = {
    relationshipId: relationshipId('calls', use.agentId, use.toolId),
    type: 'calls',
    fromId: use.agentId,
    fromKind: 'agent' as AssetKind,
    toId: use.toolId,
    toKind: 'tool' as AssetKind,
    source: live ? live.source : 'observed',
    version: (current?.version ?? 0) + 1,
    firstSeenAt: live ? earlier(live.firstSeenAt, use.firstSeenAt) : use.firstSeenAt,
    lastSeenAt: use.lastSeenAt,
  };
  if (live?.validUntil) next.validUntil = live.validUntil;
  return next;
}

/**
 * Records each agent-to-tool use as an observed `calls` relationship, in
 * the projection's transaction, so the relationship event is queued exactly
 * when the sighting's offset commits. Uses whose agent or tool is not an
 * active registered asset are left to the unregistered-asset finding.
 * Relationship rows are locked in id order, so a concurrent command waits
 * instead of failing this batch with a version conflict.
 */
export async function recordObservedRelationships(context: ProjectionContext, producer: string, uses: ToolUse[]): Promise<number> {
  const resolved = await resolveAssets(context, uses);
  if (resolved.length === 0) return 0;
  const { client, schema } = context;
  const ids = resolved.map((u) => relationshipId('calls', u.agentId, u.toolId));
  const locked = await client.query<{ tenant_id: string; aggregate_id: string; state: RelationshipSnapshot }>(
    `SELECT a.tenant_id, a.aggregate_id, a.state FROM ${ident(schema)}.aggregates a
     JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, aggregate_id) ON a.tenant_id = k.tenant_id AND a.aggregate_id = k.aggregate_id
     ORDER BY a.tenant_id, a.aggregate_id FOR UPDATE OF a`,
    [resolved.map((u) => u.tenantId), ids],
  );
  const current = new Map(locked.rows.map((r) => [`${r.tenant_id}\u0000${r.aggregate_id}`, r.state]));

  let appended = 0;
  for (const [i, use] of resolved.entries()) {
    const before = current.get(`${use.tenantId}\u0000${ids[i]}`);
    const relationship = decideObserved(before, use);
    if (!relationship) continue;
    await appendChange(client, schema, producer, observedChange(use.tenantId, before, relationship, use.exampleTraceId), use.exampleTraceId);
    appended += 1;
  }
  return appended;
}

function observedChange(tenantId: string, before: RelationshipSnapshot | undefined, relationship: RelationshipSnapshot, exampleTraceId: string): AggregateChange {
  return {
    tenantId,
    aggregateId: relationship.relationshipId,
    aggregateType: 'relationship',
    kind: relationship.type,
    name: `${relationship.fromId} ${relationship.type} ${relationship.toId}`,
    expectedVersion: before?.version ?? 0,
    state: relationship,
    event: { type: RelationshipObservedV1.type, payload: { relationship, changedBy: RUNTIME_CHANGED_BY, exampleTraceId }, key: relationship.fromId, changedBy: RUNTIME_CHANGED_BY },
  };
}

/** Finds the active agent and tool assets the telemetry names; the lowest id wins where several share a name. */
async function resolveAssets({ client, schema }: ProjectionContext, uses: ToolUse[]): Promise<ResolvedUse[]> {
  if (uses.length === 0) return [];
  const s = ident(schema);
  const result = await client.query<{ ordinal: number; agent_id: string; tool_id: string }>(
    `SELECT u.ordinal,
       (SELECT aggregate_id FROM ${s}.aggregates WHERE tenant_id = u.tenant_id AND aggregate_type = 'asset' AND kind = 'agent'
          AND name = u.agent_name AND state->>'lifecycle' <> 'retired' ORDER BY aggregate_id LIMIT 1) AS agent_id,
       (SELECT aggregate_id FROM ${s}.aggregates WHERE tenant_id = u.tenant_id AND aggregate_type = 'asset' AND kind = 'tool'
          AND name = u.tool_name AND state->>'lifecycle' <> 'retired' ORDER BY aggregate_id LIMIT 1) AS tool_id
     FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(tenant_id, agent_name, tool_name, ordinal)`,
    [uses.map((u) => u.tenantId), uses.map((u) => u.agentName), uses.map((u) => u.toolName)],
  );
  return result.rows
    .filter((r) => r.agent_id && r.tool_id)
    .map((r) => ({ ...uses[Number(r.ordinal) - 1], agentId: r.agent_id, toolId: r.tool_id }));
}
