import { DynamicModule, Module } from '@nestjs/common';
import { DEFAULT_SIGNAL_THRESHOLDS, SignalThresholds } from '@estate/pricing';
import { ServiceKitModule, ServiceOptions } from '@estate/service-kit';
import { BudgetsController } from './api/budgets.controller';
import { CatalogController } from './api/catalog.controller';
import { CostsController } from './api/costs.controller';
import { SignalsController } from './api/signals.controller';
import { ReservationSweeper } from './budgets/reservation-sweeper';
import { OutboxRelay } from './outbox/outbox-relay';
import { DefaultCatalogLoader } from './pricing/default-catalog';
import { PriceBooks } from './pricing/price-books';
import { PRICE_BOOKS } from './tokens';
import { UsagePricingProjection } from './usage/usage-projection';

export { migrations } from './migrations';

@Module({})
export class AppModule {}

/**
 * Builds the cost ledger module: the kit's shared infrastructure, the usage projection
 * (which shares the API's price cache), the default catalog, the outbox
 * relay and the reservation sweeper.
 */
export function appModule(base: ServiceOptions, thresholds: SignalThresholds = DEFAULT_SIGNAL_THRESHOLDS): DynamicModule {
  const priceBooks = new PriceBooks(base.schema);
  const options = { ...base, projections: [...(base.projections ?? []), new UsagePricingProjection(priceBooks, thresholds)] };
  return {
    module: AppModule,
    imports: [ServiceKitModule.forRoot(options)],
    controllers: [CatalogController, CostsController, BudgetsController, SignalsController],
    providers: [{ provide: PRICE_BOOKS, useValue: priceBooks }, DefaultCatalogLoader, OutboxRelay, ReservationSweeper],
  };
}
