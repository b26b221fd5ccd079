import { commonServiceSchema, ConfigOf, integer, VariableSpec } from '@estate/config';
import { DEFAULT_SIGNAL_THRESHOLDS, money, SignalThresholds } from '@estate/pricing';

export const SERVICE_NAME = 'cost-ledger';
export const SERVICE_SCHEMA = 'cost_ledger';

const defaults = DEFAULT_SIGNAL_THRESHOLDS;

const usdAmount = (description: string, defaultValue: string): VariableSpec<string> => ({
  description,
  default: defaultValue,
  parse: (raw) => {
    const amount = money(raw.trim());
    if (amount.isNegative()) throw new Error(`must be a non-negative decimal amount, got "${raw}"`);
    return amount.toFixed();
  },
});

/** Every variable the cost-ledger service reads, validated together at start. */
export const configSchema = {
  ...commonServiceSchema({ httpPort: 3005, grpcPort: 50055 }),
  SIGNAL_LOOP_CALLS: integer('Calls of one step within a trace that raise a runaway-loop signal', { default: String(defaults.loopCalls), min: 2 }),
  SIGNAL_RETRY_CALLS: integer('Calls after failures of one step within a trace that raise a retries signal', { default: String(defaults.retryCalls), min: 1 }),
  SIGNAL_OVERSIZED_FACTOR: integer('Multiple of the workflow mean prompt above which a prompt is an oversized context', { default: String(defaults.oversizedFactor), min: 2 }),
  SIGNAL_OVERSIZED_MIN_CALLS: integer('Calls a workflow needs before its mean prompt is a baseline', { default: String(defaults.oversizedMinSamples), min: 1 }),
  SIGNAL_SPIKE_FACTOR: integer('Multiple of the mean hourly spend of the previous 7 days above which an hour is a spike', { default: String(defaults.spikeFactor), min: 2 }),
  SIGNAL_SPIKE_MIN_USD: usdAmount('Hourly spend in USD below which no spike is raised', defaults.spikeMinAmount),
};

export function signalThresholdsFrom(config: ConfigOf<typeof configSchema>): SignalThresholds {
  return {
    loopCalls: config.SIGNAL_LOOP_CALLS,
    retryCalls: config.SIGNAL_RETRY_CALLS,
    oversizedFactor: config.SIGNAL_OVERSIZED_FACTOR,
    oversizedMinSamples: config.SIGNAL_OVERSIZED_MIN_CALLS,
    spikeFactor: config.SIGNAL_SPIKE_FACTOR,
    spikeMinAmount: config.SIGNAL_SPIKE_MIN_USD,
  };
}
