import type { AssetObserved, CanonicalSpan, ObservedKind } from '@estate/contracts';

/** One asset in one context, with the earliest start and latest end among its spans, in nanoseconds. */
interface Sighting {
  observed: AssetObserved;
  first: bigint;
  last: bigint;
}

/** Date accepts at most 8.64e15 ms from the epoch; later times are reported as the epoch. */
const LATEST_NANOS = 8_640_000_000_000_000_000_000n;

/**
 * Aggregates what a batch of spans reveals (models, providers, agents,
 * tools, MCP servers, services, workflows) into one observation per asset
 * and context, with the first and last time it was seen in the batch. The
 * inventory consumes these to find unregistered assets. Times are
 * compared as integers and formatted once per observation, because this
 * runs for every span the receivers accept.
 */
export function observeAssets(spans: CanonicalSpan[]): AssetObserved[] {
  const byKey = new Map<string, Sighting>();
  for (const span of spans) {
    const c = span.context;
    const start = sortableNanos(span.startTimeUnixNano);
    const end = sortableNanos(span.endTimeUnixNano);
    const add = (kind: ObservedKind, name: string | undefined, provider?: string, viaAgent?: string) => {
      if (!name) return;
      const shortName = name.slice(0, 512);
      const key = `${kind}\u0000${shortName}\u0000${provider ?? ''}\u0000${c.environment ?? ''}\u0000${c.service ?? ''}\u0000${viaAgent ?? ''}\u0000${c.workflow ?? ''}`;
      const existing = byKey.get(key);
      if (existing) {
        if (start < existing.first) existing.first = start;
        if (end > existing.last) existing.last = end;
        return;
      }
      const observed = stripUndefined({ kind, name: shortName, environment: c.environment, service: c.service, workflow: c.workflow, provider, viaAgent, firstSeenAt: '', lastSeenAt: '', exampleTraceId: span.traceId });
      byKey.set(key, { observed, first: start, last: end });
    };

    add('service', c.service);
    add('workflow', c.workflow);
    add('provider', c.provider);
    const viaAgent = span.step === 'agent_invocation' ? undefined : c.agent;
    add('model', c.modelServed ?? c.modelRequested, c.provider, viaAgent);
    if (c.modelRequested && c.modelServed && c.modelRequested !== c.modelServed) add('model', c.modelRequested, c.provider, viaAgent);
    add('agent', c.agent);
    add('tool', c.tool, undefined, viaAgent);
    add('mcp_server', c.mcpServer, undefined, viaAgent);
  }
  return [...byKey.values()].map(({ observed, first, last }) => ({ ...observed, firstSeenAt: isoFromNanos(first), lastSeenAt: isoFromNanos(last) }));
}

/** Maps a time to the value whose order matches the order of its ISO form: times Date cannot hold count as the epoch. */
function sortableNanos(nanos: string): bigint {
  const value = BigInt(nanos);
  return value > LATEST_NANOS ? 0n : value;
}

function isoFromNanos(nanos: bigint): string {
  return new Date(Number(nanos / 1_000_000n)).toISOString();
}

export function nanosToIso(nanos: string): string {
  return isoFromNanos(sortableNanos(nanos));
}

function stripUndefined(observed: AssetObserved): AssetObserved {
  for (const key of Object.keys(observed) as Array<keyof AssetObserved>) if (observed[key] === undefined) delete observed[key];
  return observed;
}
