import { config } from './instrument';
import { main, startService } from '@estate/service-kit';
import { createLogger } from '@estate/telemetry';
import { appModule, costGrpc, migrations } from './app.module';
import { SERVICE_NAME, SERVICE_SCHEMA, signalThresholdsFrom } from './config';
import { projections } from './projections';

const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const options = { name: SERVICE_NAME, schema: SERVICE_SCHEMA, config, logger, migrations, projections, grpc: costGrpc };

main(options, () => startService(options, appModule(options, signalThresholdsFrom(config))));
