import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import type { Principal } from '@estate/access';
import { ident } from '@estate/projection';
import { CurrentPrincipal, PG_POOL, SERVICE_OPTIONS, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import { ASSET_COLUMNS, AssetQueries, toAssetView } from '../assets/asset-queries';
import { buildCycloneDx } from './cyclonedx';
import { coverage } from './coverage';

export class ExportQuery {
  @ApiPropertyOptional({ description: 'Export only this asset and everything it depends on; the whole estate when absent' }) @IsOptional() @IsString() system?: string;
}

@ApiTags('evidence')
@ApiBearerAuth()
@Controller('v1')
export class EvidenceController {
  private readonly schema: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) options: ServiceOptions,
    private readonly queries: AssetQueries,
  ) {
    this.schema = ident(options.schema);
  }

  /** CycloneDX 1.6 JSON BOM of the estate, or of one system and what it depends on, from the read model. */
  @Get('export/cyclonedx')
  async exportCycloneDx(@Query() query: ExportQuery, @CurrentPrincipal() principal: Principal) {
    const subject = query.system ? await this.queries.get(principal.tenantId, query.system) : undefined;
    const relationships = await this.pool.query(
      `SELECT type, from_id AS "fromId", to_id AS "toId" FROM ${this.schema}.relationships WHERE tenant_id = $1 AND ended_at IS NULL`,
      [principal.tenantId],
    );
    const ids = subject ? closure(subject.assetId, relationships.rows) : undefined;
    const assets = await this.pool.query(
      `SELECT ${ASSET_COLUMNS} FROM ${this.schema}.assets WHERE tenant_id = $1 AND lifecycle <> 'retired' AND ($2::text[] IS NULL OR asset_id = ANY($2)) ORDER BY asset_id`,
      [principal.tenantId, ids ? [...ids] : null],
    );
    return buildCycloneDx(assets.rows.map(toAssetView), relationships.rows, new Date(), subject);
  }

  /** Shares of assets with an owner, a purpose and a policy class, of workflows classified, and of runtime-seen assets registered. */
  @Get('coverage')
  coverage(@CurrentPrincipal() principal: Principal) {
    return coverage(this.pool, this.schema, principal.tenantId);
  }
}

/** Every asset reachable from `start` along relationships in their direction. */
function closure(start: string, edges: Array<{ fromId: string; toId: string }>): Set<string> {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.fromId, [...(out.get(e.fromId) ?? []), e.toId]);
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const next of out.get(queue.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}
