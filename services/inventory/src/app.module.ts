import { DynamicModule, Module } from '@nestjs/common';
import { AccessAdminController, ServiceKitModule, ServiceOptions } from '@estate/service-kit';

export { migrations } from './migrations';

@Module({})
export class AppModule {}

/** The inventory also hosts API-key administration, since it is the registry of the estate. */
export function appModule(options: ServiceOptions): DynamicModule {
  return { module: AppModule, imports: [ServiceKitModule.forRoot(options)], controllers: [AccessAdminController] };
}
