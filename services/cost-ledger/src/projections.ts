import { loadConfigOrExit } from '@estate/config';
import { SignalThresholds } from '@estate/pricing';
import { Projection } from '@estate/projection';
import { configSchema, SERVICE_NAME, SERVICE_SCHEMA, signalThresholdsFrom } from './config';
import { PriceBooks } from './pricing/price-books';
import { UsagePricingProjection } from './usage/usage-projection';

/**
 * Builds the ledger's projections. The price cache reads catalog versions and
 * overrides from `catalogSchema`, not from the schema a projection writes to,
 * so a rebuild into a fresh schema prices with the live catalogs: they are
 * the ledger's own records and are announced, not carried, on the topics.
 */
export function costLedgerProjections(catalogSchema: string, thresholds: SignalThresholds): Projection[] {
  return [new UsagePricingProjection(new PriceBooks(catalogSchema), thresholds)];
}

/** The live projections, for the service and for `tools/rebuild.ts cost-ledger usage-pricing`; thresholds come from the same variables. */
export const projections: Projection[] = costLedgerProjections(SERVICE_SCHEMA, signalThresholdsFrom(loadConfigOrExit(SERVICE_NAME, configSchema)));
