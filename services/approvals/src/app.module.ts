import { resolve } from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { Projection } from '@estate/projection';
import { ServiceKitModule, ServiceOptions } from '@estate/service-kit';
import { ApprovalService } from './approvals/approval.service';
import { ApprovalsController } from './approvals/approvals.controller';
import { DecisionApprovalsProjection } from './approvals/decision-approvals.projection';
import { SERVICE_NAME } from './config';
import { ApprovalsGrpcController } from './grpc/approvals.grpc.controller';
import { OutboxRelayHost } from './outbox/outbox-relay.host';
import { BundlePolicyIdsProjection } from './policy-ids/bundle-policy-ids.projection';
import { ExpiryScheduler } from './scheduler';
import { WindowService } from './windows/window.service';
import { WindowsController } from './windows/windows.controller';

export { migrations } from './migrations';

/** The approvals service creates approvals from require-approval decisions and learns published policy ids. */
export function approvalsProjections(): Projection[] {
  return [new DecisionApprovalsProjection(SERVICE_NAME), new BundlePolicyIdsProjection()];
}

export const APPROVALS_PROTO = resolve(__dirname, '../../../proto/estate/approvals.proto');

@Module({})
export class AppModule {}

export function appModule(options: ServiceOptions): DynamicModule {
  return {
    module: AppModule,
    imports: [ServiceKitModule.forRoot(options)],
    controllers: [ApprovalsController, WindowsController, ApprovalsGrpcController],
    providers: [OutboxRelayHost, ApprovalService, WindowService, ExpiryScheduler],
  };
}
