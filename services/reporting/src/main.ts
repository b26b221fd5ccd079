import { config } from './instrument';
import { main, startService } from '@estate/service-kit';
import { createLogger } from '@estate/telemetry';
import { appModule, migrations, reportingGrpc } from './app.module';
import { SERVICE_NAME, SERVICE_SCHEMA } from './config';
import { projections } from './projections';

const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const options = { name: SERVICE_NAME, schema: SERVICE_SCHEMA, config, logger, migrations, projections, grpc: reportingGrpc };

main(options, () => startService(options, appModule(options)));
