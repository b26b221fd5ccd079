import { accessDdl } from '@estate/access';
import { projectionBookkeepingDdl } from '@estate/projection';
import { sqlMigration } from '@estate/service-kit';
import { approvalEventsDdl, reportingReadModelDdl, tokenClassDdl } from './reporting-tables';

/** Append-only: add a new migration for every schema change; never edit one that has shipped. */
export const migrations = [
  sqlMigration('Foundation1764806400000', (schema) => [...projectionBookkeepingDdl(schema), ...accessDdl(schema)]),
  sqlMigration('ReportingReadModels1764892800000', (schema) => reportingReadModelDdl(schema)),
  sqlMigration('ReportingApprovalEvents1764979200000', (schema) => approvalEventsDdl(schema)),
  sqlMigration('ReportingTokenClasses1765065600000', (schema) => tokenClassDdl(schema)),
];
