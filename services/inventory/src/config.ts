import { commonServiceSchema, integer } from '@estate/config';

export const SERVICE_NAME = 'inventory';
export const SERVICE_SCHEMA = 'inventory';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Every variable the inventory service reads, validated together at start. */
export const configSchema = {
  ...commonServiceSchema({ httpPort: 3001, grpcPort: 50051 }),
  INVENTORY_UNSEEN_SCAN_INTERVAL_MS: integer('Milliseconds between scans for registered runtime assets that telemetry has not shown', {
    default: String(HOUR_MS),
    min: 100,
  }),
  INVENTORY_UNSEEN_WINDOW_MS: integer('Milliseconds an active agent, tool, model, MCP server or workflow may go unseen at runtime before it is reported', {
    default: String(30 * DAY_MS),
    min: 1,
  }),
};

export interface UnseenScanSettings {
  intervalMs: number;
  windowMs: number;
}

/** Reads the scan settings; services started without them (tests) get the defaults. */
export function unseenScanSettingsFrom(config: Record<string, unknown>): UnseenScanSettings {
  return {
    intervalMs: (config.INVENTORY_UNSEEN_SCAN_INTERVAL_MS as number | undefined) ?? HOUR_MS,
    windowMs: (config.INVENTORY_UNSEEN_WINDOW_MS as number | undefined) ?? 30 * DAY_MS,
  };
}
