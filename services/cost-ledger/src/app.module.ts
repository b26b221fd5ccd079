import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule, ServiceOptions } from '@estate/service-kit';

export { migrations } from './migrations';

@Module({})
export class AppModule {}

export function appModule(options: ServiceOptions): DynamicModule {
  return { module: AppModule, imports: [ServiceKitModule.forRoot(options)] };
}
