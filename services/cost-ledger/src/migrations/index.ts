import { accessDdl } from '@estate/access';
import { projectionBookkeepingDdl } from '@estate/projection';
import { sqlMigration } from '@estate/service-kit';
import { budgetDdl, budgetRemovalDdl, catalogDdl, costLinesAsJsonDdl, signalDdl, updateSpaceDdl, usageDdl, workflowSpendDdl } from './ledger-ddl';

/** Append-only: add a new migration for every schema change; never edit one that has shipped. */
export const migrations = [
  sqlMigration('Foundation1764806400000', (schema) => [...projectionBookkeepingDdl(schema), ...accessDdl(schema)]),
  sqlMigration('CostLedger1764900000000', (schema) => [...catalogDdl(schema), ...usageDdl(schema), ...budgetDdl(schema), ...signalDdl(schema)]),
  sqlMigration('CostLedgerWorkflowSpend1765100000000', workflowSpendDdl),
  sqlMigration('CostLedgerUpdateSpace1765200000000', updateSpaceDdl),
  sqlMigration('CostLedgerCostLinesJson1796428800000', costLinesAsJsonDdl),
  sqlMigration('CostLedgerBudgetRemoval1796515200000', budgetRemovalDdl),
];
