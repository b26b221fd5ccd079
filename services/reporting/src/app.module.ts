import { resolve } from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule, ServiceOptions } from '@estate/service-kit';
import { OwnershipController } from './ownership/ownership.controller';
import { RecordCommands } from './records/record-commands';
import { RecordsController } from './records/records.controller';
import { ManagementController } from './reports/management.controller';
import { ReportingGrpcController } from './reports/reporting.grpc.controller';
import { ReportService } from './reports/report.service';
import { ReportsController } from './reports/reports.controller';

export { migrations } from './migrations';
export { reportingProjections } from './projections';

export const REPORTING_PROTO = resolve(__dirname, '../../../proto/estate/reporting.proto');

/** The gRPC API served on GRPC_PORT; pass it as `grpc` in the service options. */
export const reportingGrpc = { packages: ['estate.reporting.v1'], protoPaths: [REPORTING_PROTO] };

@Module({})
export class AppModule {}

/** Builds the reporting service module; pass `reportingProjections()` (or per-test topics) as `projections` in the options. */
export function appModule(options: ServiceOptions): DynamicModule {
  return {
    module: AppModule,
    imports: [ServiceKitModule.forRoot(options)],
    controllers: [ReportsController, ManagementController, RecordsController, OwnershipController, ReportingGrpcController],
    providers: [ReportService, RecordCommands],
  };
}
