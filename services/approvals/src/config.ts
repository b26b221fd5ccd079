import { commonServiceSchema } from '@estate/config';

export const SERVICE_NAME = 'approvals';
export const SERVICE_SCHEMA = 'approvals';

/** Every variable the approvals service reads, validated together at start. */
export const configSchema = {
  ...commonServiceSchema({ httpPort: 3003, grpcPort: 50053 }),
};
