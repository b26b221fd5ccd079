import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule, ServiceOptions } from '@estate/service-kit';
import { OwnershipController } from './ownership/ownership.controller';
import { RecordCommands } from './records/record-commands';
import { RecordsController } from './records/records.controller';
import { ManagementController } from './reports/management.controller';
import { ReportService } from './reports/report.service';
import { ReportsController } from './reports/reports.controller';

export { migrations } from './migrations';
export { reportingProjections } from './projections';

@Module({})
export class AppModule {}

/** Builds the reporting service module; pass `reportingProjections()` (or per-test topics) as `projections` in the options. */
export function appModule(options: ServiceOptions): DynamicModule {
  return {
    module: AppModule,
    imports: [ServiceKitModule.forRoot(options)],
    controllers: [ReportsController, ManagementController, RecordsController, OwnershipController],
    providers: [ReportService, RecordCommands],
  };
}
