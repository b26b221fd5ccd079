import { accessDdl } from '@estate/access';
import { projectionBookkeepingDdl } from '@estate/projection';
import { sqlMigration } from '@estate/service-kit';
import { outboxUnpublishableDdl, readModelDdl, writeSideDdl } from './inventory-tables';

/** Append-only: add a new migration for every schema change; never edit one that has shipped. */
export const migrations = [
  sqlMigration('Foundation1764806400000', (schema) => [...projectionBookkeepingDdl(schema), ...accessDdl(schema)]),
  sqlMigration('InventoryAssets1764878400000', (schema) => [...writeSideDdl(schema), ...readModelDdl(schema)]),
  sqlMigration('InventoryOutboxUnpublishable1796428800000', outboxUnpublishableDdl),
];
