import { commonServiceSchema } from '@estate/config';

export const SERVICE_NAME = 'reporting';
export const SERVICE_SCHEMA = 'reporting';

/** Every variable the reporting service reads, validated together at start. */
export const configSchema = {
  ...commonServiceSchema({ httpPort: 3006, grpcPort: 50056 }),
};
