import { commonServiceSchema } from '@estate/config';

export const SERVICE_NAME = 'inventory';
export const SERVICE_SCHEMA = 'inventory';

/** Every variable the inventory service reads, validated together at start. */
export const configSchema = {
  ...commonServiceSchema({ httpPort: 3001, grpcPort: 50051 }),
};
