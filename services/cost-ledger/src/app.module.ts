import { resolve } from 'node:path';
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
import { CostGrpcController } from './grpc/cost.grpc.controller';
import { PriceBooks } from './pricing/price-books';
import { PRICE_BOOKS } from './tokens';
import { UsagePricingProjection } from './usage/usage-projection';

export { migrations } from './migrations';

export const COST_PROTO = resolve(__dirname, '../../../proto/estate/cost.proto');

/** The gRPC API served on GRPC_PORT; pass it as `grpc` in the service options. */
export const costGrpc = { packages: ['estate.cost.v1'], protoPaths: [COST_PROTO] };

@Module({})
export class AppModule {}

/**
 * Builds the cost ledger module: the kit's shared infrastructure, the usage
 * projection (passed in `base.projections`, or created here), the default
 * catalog, the outbox relay, the reservation sweeper and the REST and gRPC
 * edges. The API shares the projection's price cache, so a catalog import or
 * override through the API is seen by the next batch it prices.
 */
export function appModule(base: ServiceOptions, thresholds: SignalThresholds = DEFAULT_SIGNAL_THRESHOLDS): DynamicModule {
  const given = base.projections?.find((p): p is UsagePricingProjection => p instanceof UsagePricingProjection);
  const projection = given ?? new UsagePricingProjection(new PriceBooks(base.schema), thresholds);
  const options = given ? base : { ...base, projections: [...(base.projections ?? []), projection] };
  return {
    module: AppModule,
    imports: [ServiceKitModule.forRoot(options)],
    controllers: [CatalogController, CostsController, BudgetsController, SignalsController, CostGrpcController],
    providers: [
      { provide: PRICE_BOOKS, useValue: projection.priceBooks },
      // The gRPC edge calls the REST handlers, so they are providers as well as controllers.
      CostsController,
      BudgetsController,
      DefaultCatalogLoader,
      OutboxRelay,
      ReservationSweeper,
    ],
  };
}
