import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { IsBoolean, IsIn, IsISO8601, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { Principal } from '@estate/access';
import { createEnvelope, PriceOverrideSetV1 } from '@estate/contracts';
import { ident } from '@estate/projection';
import { CatalogFormatError, money, parseLiteLlmCatalog, PRICE_CLASSES, PriceClass, UnitPrices } from '@estate/pricing';
import { AllowRoles, AppError, CurrentPrincipal, PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions, withTransaction } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { SERVICE_NAME } from '../config';
import { appendToOutbox } from '../outbox/outbox';
import { storeCatalogVersion } from '../pricing/catalog-import';
import { ALL_TENANTS, PriceBooks } from '../pricing/price-books';
import { PRICE_BOOKS } from '../tokens';

class ImportCatalogBody {
  @ApiProperty({ enum: ['litellm'] }) @IsIn(['litellm']) format!: 'litellm';
  /** The catalog file's text, sent as a string so prices keep their exact decimal form. */
  @ApiProperty({ description: "The catalog file's text" }) @IsString() @MinLength(2) catalog!: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) effectiveFrom!: string;
  /** Admins may import a catalog for every tenant; others import for their own tenant. */
  @ApiPropertyOptional() @IsOptional() @IsBoolean() allTenants?: boolean;
}

class SetOverrideBody {
  @ApiProperty({ maxLength: 200 }) @IsString() @MaxLength(200) model!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() provider?: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) effectiveFrom!: string;
  /** Unit prices by price class in USD, as decimal strings, such as {"input": "0.000002"}. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { input: '0.000002' } }) @IsObject() prices!: Record<string, string>;
  @ApiProperty({ minLength: 3, maxLength: 1000 }) @IsString() @MinLength(3) @MaxLength(1000) reason!: string;
}

class PriceQuery {
  @IsString() model!: string;
  @IsOptional() @IsString() provider?: string;
  @IsOptional() @IsISO8601({ strict: true }) at?: string;
}

@Controller('v1')
export class CatalogController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(PRICE_BOOKS) private readonly priceBooks: PriceBooks,
  ) {}

  @Post('price-catalogs')
  @AllowRoles('finops')
  async importCatalog(@CurrentPrincipal() principal: Principal, @Body() body: ImportCatalogBody) {
    if (body.allTenants && principal.role !== 'admin') {
      throw new AppError('forbidden', 'only an admin may import a catalog for every tenant; omit allTenants to import for your tenant', 'allTenants');
    }
    let catalog;
    try {
      catalog = parseLiteLlmCatalog(body.catalog);
    } catch (error) {
      if (error instanceof CatalogFormatError) throw new AppError('invalid_argument', error.message, 'catalog');
      throw error;
    }
    const result = await withTransaction(this.pool, this.logger, (client) =>
      storeCatalogVersion(client, this.options.schema, {
        tenantId: body.allTenants ? ALL_TENANTS : principal.tenantId,
        catalog,
        format: body.format,
        effectiveFrom: new Date(body.effectiveFrom),
        importedBy: principal.keyId,
      }),
    );
    return { ...result, sha256: catalog.sha256, withoutPrices: catalog.withoutPrices };
  }

  @Get('price-catalogs')
  @AllowRoles('finops', 'platform', 'ai-engineering', 'governance')
  async listCatalogs(@CurrentPrincipal() principal: Principal) {
    const { rows } = await this.pool.query(
      `SELECT version_id, tenant_id, sha256, format, effective_from, entry_count, imported_by, imported_at
       FROM ${ident(this.options.schema)}.catalog_versions WHERE tenant_id = $1 OR tenant_id = $2 ORDER BY effective_from, imported_at`,
      [ALL_TENANTS, principal.tenantId],
    );
    return {
      versions: rows.map((r) => ({
        catalogVersion: r.version_id,
        allTenants: r.tenant_id === ALL_TENANTS,
        sha256: r.sha256,
        format: r.format,
        effectiveFrom: r.effective_from.toISOString(),
        entryCount: r.entry_count,
        importedBy: r.imported_by,
        importedAt: r.imported_at.toISOString(),
      })),
    };
  }

  /** Returns the prices that apply to a model name at an instant (now by default), after resolution and overrides. */
  @Get('prices')
  @AllowRoles('finops', 'platform', 'ai-engineering', 'governance')
  async price(@CurrentPrincipal() principal: Principal, @Query() query: PriceQuery) {
    const at = query.at ? new Date(query.at) : new Date();
    const book = (await this.priceBooks.forTenants(this.pool, [principal.tenantId])).get(principal.tenantId);
    const inForce = book?.priceAt(principal.tenantId, query.model, query.provider, at);
    if (!inForce) throw new AppError('not_found', `model "${query.model}" has no price in force at ${at.toISOString()}; import a catalog that lists it or set an override`, 'model');
    return { model: inForce.entry.model, matchedBy: inForce.matchedBy, provider: inForce.entry.provider, catalogVersion: inForce.catalogVersion, overrideId: inForce.overrideId, prices: inForce.entry.prices, tiers: inForce.entry.tiers };
  }

  /** Sets negotiated prices for one model from an effective time; every override is kept as the audit trail. */
  @Post('price-overrides')
  @HttpCode(201)
  @AllowRoles('finops')
  async setOverride(@CurrentPrincipal() principal: Principal, @Body() body: SetOverrideBody) {
    const prices = checkPrices(body.prices);
    const effectiveFrom = new Date(body.effectiveFrom);
    const book = (await this.priceBooks.forTenants(this.pool, [principal.tenantId])).get(principal.tenantId);
    const resolved = book?.priceAt(principal.tenantId, body.model, body.provider, effectiveFrom);
    if (!resolved) throw new AppError('invalid_argument', `model "${body.model}" is not in the catalog in force at ${body.effectiveFrom}; overrides apply to catalog models`, 'model');

    const overrideId = uuidv7();
    const payload = { overrideId, model: resolved.entry.model, effectiveFrom: effectiveFrom.toISOString(), prices, reason: body.reason, setBy: principal.keyId };
    await withTransaction(this.pool, this.logger, async (client) => {
      await client.query(
        `INSERT INTO ${ident(this.options.schema)}.price_overrides (override_id, tenant_id, model, effective_from, prices, reason, set_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [overrideId, principal.tenantId, resolved.entry.model, effectiveFrom, JSON.stringify(prices), body.reason, principal.keyId],
      );
      const envelope = createEnvelope({ type: PriceOverrideSetV1.type, schemaVersion: 1, tenantId: principal.tenantId, producer: SERVICE_NAME, key: overrideId, payload });
      await appendToOutbox(client, this.options.schema, [envelope]);
    });
    return payload;
  }

  @Get('price-overrides')
  @AllowRoles('finops', 'governance')
  async listOverrides(@CurrentPrincipal() principal: Principal) {
    const { rows } = await this.pool.query(
      `SELECT override_id, model, effective_from, prices, reason, set_by, set_at FROM ${ident(this.options.schema)}.price_overrides
       WHERE tenant_id = $1 ORDER BY set_at, override_id`,
      [principal.tenantId],
    );
    return {
      overrides: rows.map((r) => ({ overrideId: r.override_id, model: r.model, effectiveFrom: r.effective_from.toISOString(), prices: r.prices, reason: r.reason, setBy: r.set_by, setAt: r.set_at.toISOString() })),
    };
  }
}

function checkPrices(raw: Record<string, string>): UnitPrices {
  const prices: UnitPrices = {};
  const entries = Object.entries(raw);
  if (entries.length === 0) throw new AppError('invalid_argument', `prices is empty; set at least one of ${PRICE_CLASSES.join(', ')}`, 'prices');
  for (const [priceClass, value] of entries) {
    if (!(PRICE_CLASSES as readonly string[]).includes(priceClass)) {
      throw new AppError('invalid_argument', `unknown price class "${priceClass}"; use one of ${PRICE_CLASSES.join(', ')}`, `prices.${priceClass}`);
    }
    let amount;
    try {
      amount = typeof value === 'string' ? money(value) : undefined;
    } catch {
      amount = undefined;
    }
    if (!amount || amount.isNegative()) {
      throw new AppError('invalid_argument', `prices.${priceClass} must be a non-negative decimal string such as "0.000002", got ${JSON.stringify(value)}`, `prices.${priceClass}`);
    }
    prices[priceClass as PriceClass] = amount.toFixed();
  }
  return prices;
}
