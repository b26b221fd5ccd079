import type { AssetObserved, CanonicalSpan, ObservedKind } from '@estate/contracts';
import { compareDecimal } from '../otlp/decoded';

/** One asset in one context, with the earliest start and latest end among its spans, as nanosecond digit strings. */
interface Sighting {
  observed: AssetObserved;
  first: string;
  last: string;
}

/** Date accepts at most 8.64e15 ms from the epoch; later times are reported as the epoch. */
const LATEST_NANOS = '8640000000000000000000';

/**
 * Aggregates what a batch of spans reveals (models, providers, agents,
 * tools, MCP servers, services, workflows) into one observation per asset
 * and context, with the first and last time it was seen in the batch. The
 * inventory consumes these to find unregistered assets. Times are compared
 * as digit strings and formatted once per observation, because this runs
 * for every span the receivers accept.
 */
export function observeAssets(spans: CanonicalSpan[]): AssetObserved[] {
  const byKey = new Map<string, Sighting>();
  // Spans with the same context reveal the same assets, so each distinct context is resolved to its sightings once.
  const bySignature = new Map<string, Sighting[]>();
  for (const span of spans) {
    const signature = contextSignature(span);
    let sightings = bySignature.get(signature);
    if (!sightings) {
      sightings = sightingsOf(span, byKey);
      bySignature.set(signature, sightings);
    }
    const start = sortableNanos(span.startTimeUnixNano);
    const end = sortableNanos(span.endTimeUnixNano);
    for (const sighting of sightings) {
      if (compareDecimal(start, sighting.first) < 0) sighting.first = start;
      if (compareDecimal(end, sighting.last) > 0) sighting.last = end;
    }
  }
  return [...byKey.values()].map(({ observed, first, last }) => ({ ...observed, firstSeenAt: isoFromNanos(first), lastSeenAt: isoFromNanos(last) }));
}

/** Joins every field `sightingsOf` reads, so spans with equal signatures reveal the same assets. */
function contextSignature(span: CanonicalSpan): string {
  const c = span.context;
  const agentStep = span.step === 'agent_invocation' ? '1' : '0';
  return `${agentStep}\u0000${c.environment ?? ''}\u0000${c.service ?? ''}\u0000${c.workflow ?? ''}\u0000${c.provider ?? ''}\u0000${c.modelServed ?? ''}\u0000${c.modelRequested ?? ''}\u0000${c.agent ?? ''}\u0000${c.tool ?? ''}\u0000${c.mcpServer ?? ''}`;
}

/** Returns the sightings a span's context reveals, created in `byKey` with empty times when new. */
function sightingsOf(span: CanonicalSpan, byKey: Map<string, Sighting>): Sighting[] {
  const c = span.context;
  const sightings: Sighting[] = [];
  const sight = (kind: ObservedKind, name: string | undefined, provider?: string, viaAgent?: string) => {
    if (!name) return;
    const shortName = name.slice(0, 512);
    const key = `${kind}\u0000${shortName}\u0000${provider ?? ''}\u0000${viaAgent ?? ''}\u0000${c.environment ?? ''}\u0000${c.service ?? ''}\u0000${c.workflow ?? ''}`;
    let sighting = byKey.get(key);
    if (!sighting) {
      const observed = stripUndefined({ kind, name: shortName, environment: c.environment, service: c.service, workflow: c.workflow, provider, viaAgent, firstSeenAt: '', lastSeenAt: '', exampleTraceId: span.traceId });
      sighting = { observed, first: LATEST_NANOS, last: '0' };
      byKey.set(key, sighting);
    }
    if (!sightings.includes(sighting)) sightings.push(sighting);
  };

  sight('service', c.service);
  sight('workflow', c.workflow);
  sight('provider', c.provider);
  const viaAgent = span.step === 'agent_invocation' ? undefined : c.agent;
  sight('model', c.modelServed ?? c.modelRequested, c.provider, viaAgent);
  if (c.modelRequested && c.modelServed && c.modelRequested !== c.modelServed) sight('model', c.modelRequested, c.provider, viaAgent);
  sight('agent', c.agent);
  sight('tool', c.tool, undefined, viaAgent);
  sight('mcp_server', c.mcpServer, undefined, viaAgent);
  return sightings;
}

/** Maps a time to one whose order matches the order of its ISO form: times Date cannot hold count as the epoch. */
function sortableNanos(nanos: string): string {
  return compareDecimal(nanos, LATEST_NANOS) > 0 ? '0' : nanos;
}

function isoFromNanos(nanos: string): string {
  return new Date(Number(BigInt(nanos) / 1_000_000n)).toISOString();
}

export function nanosToIso(nanos: string): string {
  return isoFromNanos(sortableNanos(nanos));
}

function stripUndefined(observed: AssetObserved): AssetObserved {
  for (const key of Object.keys(observed) as Array<keyof AssetObserved>) if (observed[key] === undefined) delete observed[key];
  return observed;
}
