import { readFileSync } from 'node:fs';
import { parseLiteLlmCatalog, PriceBook, priceUsage, UsageQuantities, NO_USAGE } from '@estate/pricing';

export type PricedCall = { cost: string; unpricedReason: null } | { cost: null; unpricedReason: string };

/**
 * Prices model calls with the shared pricing library and one catalog file,
 * in force from the epoch. The cost ledger prices the same calls with the
 * same library; the figures agree while the tenant uses the shipped list
 * prices.
 */
export class Pricer {
  private readonly book: PriceBook;

  constructor(catalogPath: string) {
    const catalog = parseLiteLlmCatalog(readFileSync(catalogPath, 'utf8'));
    this.book = new PriceBook([{ versionId: catalog.sha256, effectiveFrom: new Date(0), entries: catalog.entries }]);
  }

  // TODO: catalogs imported into the cost ledger and tenant price overrides are not applied here, because
  // catalog entries travel on no topic; project `cost.price-override.set` once reports must show negotiated prices.
  price(tenantId: string, model: string, provider: string | undefined, at: Date, usage: Partial<UsageQuantities>): PricedCall {
    const inForce = this.book.priceAt(tenantId, model, provider, at);
    if (!inForce) return { cost: null, unpricedReason: `model ${model} is not in the price catalog` };
    const result = priceUsage(inForce.entry, { ...NO_USAGE, ...usage });
    return result.priced ? { cost: result.cost, unpricedReason: null } : { cost: null, unpricedReason: result.reason };
  }
}
