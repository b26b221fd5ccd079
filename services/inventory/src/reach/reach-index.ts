import { Inject, Injectable } from '@nestjs/common';
import { AssetKind, RelationshipType } from '@estate/contracts';
import { ReachEdge, ReachGraph, ReachNode } from '@estate/estate-graph';
import { ident } from '@estate/projection';
import { PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';

/**
 * One in-memory reach graph per tenant, loaded from the read model on first
 * use and dropped whenever the projection applies a change for the tenant,
 * so a query never reads a graph older than the last projected batch.
 * TODO: apply projected changes to the graph incrementally once estates
 * large enough to make a reload (about a second per million relationships,
 * an estimate) change often.
 */
/** How long a projected batch may take from reporting a change to committing it; an estimate, generous for batches of a few MB. */
const SETTLE_MS = 2000;

@Injectable()
export class ReachIndex {
  private readonly graphs = new Map<string, Promise<ReachGraph>>();
  private readonly invalidatedAt = new Map<string, number>();
  private readonly schema: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) options: ServiceOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.schema = ident(options.schema);
  }

  invalidate(tenantIds: Iterable<string>): void {
    const now = Date.now();
    for (const tenantId of tenantIds) {
      this.graphs.delete(tenantId);
      this.invalidatedAt.set(tenantId, now);
    }
  }

  /**
   * The projection reports a change before its transaction commits, so a
   * load that starts right after an invalidation may miss it. Such a graph
   * answers the query that loaded it but is not cached: only a load started
   * SETTLE_MS after the last invalidation is kept.
   */
  graphFor(tenantId: string): Promise<ReachGraph> {
    const cached = this.graphs.get(tenantId);
    if (cached) return cached;
    const graph = this.load(tenantId);
    if (Date.now() - (this.invalidatedAt.get(tenantId) ?? 0) > SETTLE_MS) {
      this.graphs.set(tenantId, graph);
      graph.catch(() => this.graphs.delete(tenantId));
    }
    return graph;
  }

  private async load(tenantId: string): Promise<ReachGraph> {
    const started = Date.now();
    const assets = await this.pool.query(
      `SELECT asset_id, kind, name, environment, data_classification, policy_class, attributes
       FROM ${this.schema}.assets WHERE tenant_id = $1 AND lifecycle <> 'retired'`,
      [tenantId],
    );
    const edges = await this.pool.query(
      `SELECT type, from_id, to_id FROM ${this.schema}.relationships
       WHERE tenant_id = $1 AND ended_at IS NULL AND (valid_until IS NULL OR valid_until > now())`,
      [tenantId],
    );
    const nodes: ReachNode[] = assets.rows.map((r) => ({
      id: r.asset_id,
      kind: r.kind as AssetKind,
      name: r.name,
      environment: r.environment,
      dataClassification: r.data_classification,
      policyClass: r.policy_class,
      sideEffect: r.attributes?.sideEffect === true,
      opensAt: epoch(r.attributes?.opensAt),
      closesAt: epoch(r.attributes?.closesAt),
    }));
    const graph = new ReachGraph(nodes, edges.rows.map((r): ReachEdge => ({ type: r.type as RelationshipType, fromId: r.from_id, toId: r.to_id })));
    this.logger.info({ tenantId, assets: nodes.length, relationships: graph.edgeCount, ms: Date.now() - started }, 'reach index loaded');
    return graph;
  }
}

function epoch(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
