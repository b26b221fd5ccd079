import { commonServiceSchema, integer } from '@estate/config';

export const SERVICE_NAME = 'approvals';
export const SERVICE_SCHEMA = 'approvals';

/** Every variable the approvals service reads, validated together at start. */
export const configSchema = {
  ...commonServiceSchema({ httpPort: 3003, grpcPort: 50053 }),
  APPROVALS_SCHEDULER_INTERVAL_MS: integer('Milliseconds between sweeps that expire approvals and exception windows', { default: '5000', min: 100 }),
  APPROVALS_RELAY_INTERVAL_MS: integer('Milliseconds between outbox sweeps; commands also publish at once after commit', { default: '1000', min: 50 }),
};

export interface ApprovalsSettings {
  schedulerIntervalMs: number;
  relayIntervalMs: number;
}

export function approvalsSettingsFrom(config: Record<string, unknown>): ApprovalsSettings {
  return {
    schedulerIntervalMs: (config.APPROVALS_SCHEDULER_INTERVAL_MS as number | undefined) ?? 5000,
    relayIntervalMs: (config.APPROVALS_RELAY_INTERVAL_MS as number | undefined) ?? 1000,
  };
}
