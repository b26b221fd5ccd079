import { commonServiceSchema } from '@estate/config';

export const SERVICE_NAME = 'cost-ledger';
export const SERVICE_SCHEMA = 'cost_ledger';

/** Every variable the cost-ledger service reads, validated together at start. */
export const configSchema = {
  ...commonServiceSchema({ httpPort: 3005, grpcPort: 50055 }),
};
