import { commonServiceSchema } from '@estate/config';

export const SERVICE_NAME = 'trace-ingest';
export const SERVICE_SCHEMA = 'trace_ingest';

/** Every variable the trace-ingest service reads, validated together at start. */
export const configSchema = {
  ...commonServiceSchema({ httpPort: 3004 }),
};
