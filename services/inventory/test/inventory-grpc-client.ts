import { grpcOutcomeClient } from '@estate/testing';
import { INVENTORY_PROTO } from '../src/app.module';

export { freePort } from '@estate/testing';
export type { GrpcOutcome } from '@estate/testing';

/** A client for `estate.inventory.v1.InventoryService` whose calls settle to a value or a status, never throw. */
export const inventoryGrpcClient = (port: number) => grpcOutcomeClient(INVENTORY_PROTO, 'estate.inventory.v1.InventoryService', port);
