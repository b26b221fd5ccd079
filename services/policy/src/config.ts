import { commonServiceSchema } from '@estate/config';

export const SERVICE_NAME = 'policy';
export const SERVICE_SCHEMA = 'policy';

/** Every variable the policy service reads, validated together at start. */
export const configSchema = {
  ...commonServiceSchema({ httpPort: 3002, grpcPort: 50052 }),
};
