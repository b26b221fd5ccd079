import { resolve } from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { Projection } from '@estate/projection';
import { ServiceKitModule, ServiceOptions } from '@estate/service-kit';
import { BudgetStateCache } from './budgets/budget-state-cache';
import { BudgetStatesProjection } from './budgets/budget-states.projection';
import { BundleRegistry } from './bundles/bundle-registry';
import { BundleService } from './bundles/bundle.service';
import { BundlesController } from './bundles/bundles.controller';
import { DecisionPoint } from './decisions/decision-point';
import { DecisionsController } from './decisions/decisions.controller';
import { EntitiesController } from './entities/entities.controller';
import { EntityCache } from './entities/entity-cache';
import { ToolsController } from './entities/tools.controller';
import { ExemptionsController } from './exemptions/exemptions.controller';
import { ExemptionsProjection } from './exemptions/exemptions.projection';
import { InventoryEntitiesProjection } from './inventory/inventory.projection';
import { PolicyGrpcController } from './grpc/policy.grpc.controller';

export { migrations } from './migrations';

/**
 * Read models the policy service keeps: grants and exception windows from
 * the approvals topic, Cedar entities and pinned tool hashes from the
 * inventory topic, and budget states from the cost topic.
 */
export function policyProjections(): Projection[] {
  return [new ExemptionsProjection(), new InventoryEntitiesProjection(), new BudgetStatesProjection()];
}

export const POLICY_PROTO = resolve(__dirname, '../../../proto/estate/policy.proto');

@Module({})
export class AppModule {}

export function appModule(options: ServiceOptions): DynamicModule {
  return {
    module: AppModule,
    imports: [ServiceKitModule.forRoot(options)],
    controllers: [DecisionsController, BundlesController, ToolsController, EntitiesController, ExemptionsController, PolicyGrpcController],
    providers: [BundleRegistry, BundleService, EntityCache, BudgetStateCache, DecisionPoint],
  };
}
