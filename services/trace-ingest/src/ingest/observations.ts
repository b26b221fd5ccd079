import type { AssetObserved, CanonicalSpan, ObservedKind } from '@estate/contracts';

/**
 * Aggregates what a batch of spans reveals (models, providers, agents,
 * tools, MCP servers, services, workflows) into one observation per asset
 * and context, with the first and last time it was seen in the batch. The
 * inventory consumes these to find assets nobody registered.
 */
export function observeAssets(spans: CanonicalSpan[]): AssetObserved[] {
  const byKey = new Map<string, AssetObserved>();
  for (const span of spans) {
    const c = span.context;
    const seen = { start: nanosToIso(span.startTimeUnixNano), end: nanosToIso(span.endTimeUnixNano) };
    const common = { environment: c.environment, service: c.service, workflow: c.workflow };
    const add = (kind: ObservedKind, name: string | undefined, extra: Partial<AssetObserved> = {}) => {
      if (!name) return;
      const observed: AssetObserved = { kind, name: name.slice(0, 512), ...common, ...extra, firstSeenAt: seen.start, lastSeenAt: seen.end, exampleTraceId: span.traceId };
      const key = [kind, observed.name, observed.provider, observed.environment, observed.service, observed.viaAgent, observed.workflow].join('\u0000');
      const existing = byKey.get(key);
      if (!existing) {
        byKey.set(key, stripUndefined(observed));
        return;
      }
      if (observed.firstSeenAt < existing.firstSeenAt) existing.firstSeenAt = observed.firstSeenAt;
      if (observed.lastSeenAt > existing.lastSeenAt) existing.lastSeenAt = observed.lastSeenAt;
    };

    add('service', c.service);
    add('workflow', c.workflow);
    add('provider', c.provider);
    const viaAgent = span.step === 'agent_invocation' ? undefined : c.agent;
    add('model', c.modelServed ?? c.modelRequested, { provider: c.provider, viaAgent });
    if (c.modelRequested && c.modelServed && c.modelRequested !== c.modelServed) add('model', c.modelRequested, { provider: c.provider, viaAgent });
    add('agent', c.agent);
    add('tool', c.tool, { viaAgent });
    add('mcp_server', c.mcpServer, { viaAgent });
  }
  return [...byKey.values()];
}

export function nanosToIso(nanos: string): string {
  const millis = Number(BigInt(nanos) / 1_000_000n);
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}

function stripUndefined(observed: AssetObserved): AssetObserved {
  for (const key of Object.keys(observed) as Array<keyof AssetObserved>) if (observed[key] === undefined) delete observed[key];
  return observed;
}
