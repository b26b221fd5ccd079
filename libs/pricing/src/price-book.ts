import { MatchKind, ModelResolver } from './model-resolution';
import { PriceEntry, UnitPrices } from './price-model';

/** One imported catalog, in force from `effectiveFrom` until the next version's `effectiveFrom`. */
export interface CatalogVersion {
  versionId: string;
  effectiveFrom: Date;
  entries: readonly PriceEntry[];
}

/** A tenant's negotiated prices for one catalog model, in force from `effectiveFrom` until the next override for that model. */
export interface PriceOverride {
  overrideId: string;
  tenantId: string;
  /** The catalog key the override applies to, as resolution returns it. */
  model: string;
  effectiveFrom: Date;
  prices: UnitPrices;
}

export interface PriceInForce {
  entry: PriceEntry;
  catalogVersion: string;
  overrideId: string | null;
  matchedBy: MatchKind;
}

/**
 * Every catalog version and override, used to look up the price in force for
 * a tenant's model at an instant. Versions and overrides are immutable once
 * recorded; a later one supersedes from its own effective time only, so a
 * cost never changes because a price changed after the usage happened.
 */
export class PriceBook {
  private readonly versions: Array<CatalogVersion & { resolver: ModelResolver }>;
  private readonly overrides = new Map<string, PriceOverride[]>();

  constructor(versions: readonly CatalogVersion[], overrides: readonly PriceOverride[] = [], aliases: Readonly<Record<string, string>> = {}) {
    this.versions = [...versions]
      .sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime())
      .map((v) => ({ ...v, resolver: new ModelResolver(v.entries, aliases) }));
    for (const override of overrides) {
      const key = overrideKey(override.tenantId, override.model);
      this.overrides.set(key, [...(this.overrides.get(key) ?? []), override].sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime()));
    }
  }

  get versionIds(): string[] {
    return this.versions.map((v) => v.versionId);
  }

  /** Returns null when no catalog was in force at `at` or the model is unknown to the one that was. */
  priceAt(tenantId: string, model: string, provider: string | undefined, at: Date): PriceInForce | null {
    const version = lastInForce(this.versions, at);
    if (!version) return null;
    const resolved = version.resolver.resolve(model, provider);
    if (!resolved) return null;
    const override = lastInForce(this.overrides.get(overrideKey(tenantId, resolved.entry.model)) ?? [], at);
    const entry = override ? withOverride(resolved.entry, override.prices) : resolved.entry;
    return { entry, catalogVersion: version.versionId, overrideId: override?.overrideId ?? null, matchedBy: resolved.matchedBy };
  }
}

/**
 * Applies negotiated prices: each class the override names replaces the
 * catalog price in the base prices and in every long-context tier, because a
 * negotiated rate covers the whole context unless a contract sets tier rates.
 */
export function withOverride(entry: PriceEntry, prices: UnitPrices): PriceEntry {
  return {
    ...entry,
    prices: { ...entry.prices, ...prices },
    tiers: entry.tiers.map((tier) => ({ ...tier, prices: { ...tier.prices, ...prices } })),
  };
}

function lastInForce<T extends { effectiveFrom: Date }>(sorted: readonly T[], at: Date): T | undefined {
  let found: T | undefined;
  for (const item of sorted) {
    if (item.effectiveFrom.getTime() <= at.getTime()) found = item;
    else break;
  }
  return found;
}

const overrideKey = (tenantId: string, model: string): string => `${tenantId}\u0000${model.toLowerCase()}`;
