import { Topics } from '@estate/contracts';
import { Projection } from '@estate/projection';
import { SERVICE_NAME } from './config';
import { RuntimeProjection } from './runtime/runtime-projection';
import { InventoryProjection } from './store/inventory-projection';

/** Creates the read models the inventory keeps; tests pass a per-run copy of the observations topic. */
export function inventoryProjections(observationTopic: string = Topics.runtimeObservations): Projection[] {
  return [new InventoryProjection(), new RuntimeProjection(SERVICE_NAME, [observationTopic])];
}

/** The live projections, for the service and for `tools/rebuild.ts inventory <name>`. */
export const projections: Projection[] = inventoryProjections();
