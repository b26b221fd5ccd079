import { DynamicModule, Module } from '@nestjs/common';
import { resolve } from 'node:path';
import { AccessAdminController, PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceKitModule, ServiceOptions } from '@estate/service-kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { AssetCommands } from './assets/asset-commands';
import { AssetQueries } from './assets/asset-queries';
import { AssetsController } from './assets/assets.controller';
import { ImportsController } from './imports/imports.controller';
import { McpImports } from './imports/mcp-imports';
import { ToolImports } from './imports/tool-imports';
import { RuntimeController } from './runtime/runtime.controller';
import { RuntimeFindings } from './runtime/runtime-findings';
import { UnseenScheduler } from './runtime/unseen-scheduler';
import { EvidenceController } from './evidence/evidence.controller';
import { InventoryGrpcController } from './grpc/inventory.grpc.controller';
import { ReachController } from './reach/reach.controller';
import { ReachIndex } from './reach/reach-index';
import { ReachQueries } from './reach/reach-queries';
import { RelationshipCommands } from './relationships/relationship-commands';
import { RelationshipsController } from './relationships/relationships.controller';
import { InventoryProjection } from './store/inventory-projection';
import { storeProviders } from './store/store.providers';

export { migrations } from './migrations';

export const INVENTORY_PROTO = resolve(__dirname, '../../../proto/estate/inventory.proto');

/** The gRPC API served on GRPC_PORT; pass it as `grpc` in the service options. */
export const inventoryGrpc = { packages: ['estate.inventory.v1'], protoPaths: [INVENTORY_PROTO] };

export { inventoryProjections } from './projections';

@Module({})
export class AppModule {}

/** The inventory also hosts API-key administration, since it is the registry of the estate. */
export function appModule(options: ServiceOptions): DynamicModule {
  const projection = options.projections?.find((p): p is InventoryProjection => p instanceof InventoryProjection);
  return {
    module: AppModule,
    imports: [ServiceKitModule.forRoot(options)],
    controllers: [AccessAdminController, AssetsController, RelationshipsController, ReachController, ImportsController, RuntimeController, EvidenceController, InventoryGrpcController],
    providers: [
      ...storeProviders,
      AssetCommands,
      AssetQueries,
      RelationshipCommands,
      ReachQueries,
      McpImports,
      RuntimeFindings,
      UnseenScheduler,
      ToolImports,
      {
        provide: ReachIndex,
        inject: [PG_POOL, SERVICE_OPTIONS, SERVICE_LOGGER],
        useFactory: (pool: Pool, serviceOptions: ServiceOptions, logger: Logger) => {
          const index = new ReachIndex(pool, serviceOptions, logger);
          projection?.onTenantsChanged((tenants) => index.invalidate(tenants));
          return index;
        },
      },
    ],
  };
}
