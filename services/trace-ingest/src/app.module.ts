import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule, ServiceOptions } from '@estate/service-kit';
import { TraceImportController } from './import/trace-import.controller';
import { OtlpReceivers, spanIngestorProvider, TRACE_INGEST_SETTINGS } from './otlp/otlp-receivers';
import { TraceQueries } from './query/trace-queries';
import { TracesController } from './query/traces.controller';
import { ControlProjection } from './records/control-projection';
import { TraceProjection } from './records/trace-projection';
import type { TraceIngestRole } from './config';
import { TraceIngestSettings } from './settings';

export { migrations } from './migrations';

@Module({})
export class AppModule {}

/** Creates the read models this service keeps, on the topics the settings name. */
export function traceProjections(settings: TraceIngestSettings) {
  return [new TraceProjection([settings.topics.spans]), new ControlProjection([settings.topics.policyDecisions, settings.topics.approvalEvents])];
}

/** Returns the projections a process of the given role runs. */
export function projectionsForRole(role: TraceIngestRole, settings: TraceIngestSettings) {
  return role === 'receiver' ? [] : traceProjections(settings);
}

export function appModule(options: ServiceOptions, settings: TraceIngestSettings, role: TraceIngestRole = 'all'): DynamicModule {
  const receivers = role === 'projector' ? [] : [OtlpReceivers];
  return {
    module: AppModule,
    imports: [ServiceKitModule.forRoot(options)],
    controllers: [TracesController, TraceImportController],
    providers: [{ provide: TRACE_INGEST_SETTINGS, useValue: settings }, spanIngestorProvider(), ...receivers, TraceQueries],
  };
}
