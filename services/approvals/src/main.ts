import { config } from './instrument';
import { main, startService } from '@estate/service-kit';
import { createLogger } from '@estate/telemetry';
import { appModule, APPROVALS_PROTO, approvalsProjections, migrations } from './app.module';
import { SERVICE_NAME, SERVICE_SCHEMA } from './config';

const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const options = {
  name: SERVICE_NAME,
  schema: SERVICE_SCHEMA,
  config,
  logger,
  migrations,
  projections: approvalsProjections(),
  grpc: { packages: ['estate.approvals.v1'], protoPaths: [APPROVALS_PROTO] },
};

main(options, () => startService(options, appModule(options)));
