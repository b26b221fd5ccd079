import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumberString,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';

/** Where a call happened, as the application or the span context names it. */
export class UsageAttribution {
  @IsOptional() @IsString() @MaxLength(200) workflow?: string;
  @IsOptional() @IsString() @MaxLength(200) product?: string;
  @IsOptional() @IsString() @MaxLength(200) environment?: string;
  @IsOptional() @IsString() @MaxLength(200) team?: string;
  @IsOptional() @IsString() @MaxLength(200) agent?: string;
  @IsOptional() @IsString() @MaxLength(200) modelRoute?: string;
  @IsOptional() @IsString() @MaxLength(200) policyClass?: string;
}

/** The dimensions every cost is attributed to; a budget scope names a subset of them. */
export class CostScope extends UsageAttribution {
  @IsOptional() @IsString() @MaxLength(200) provider?: string;
  /** The catalog key the model resolved to, or the reported name when it is unknown. */
  @IsOptional() @IsString() @MaxLength(200) model?: string;
}

/** Largest token count a usage record carries: the largest integer a JSON number represents exactly, far below the ledger's bigint columns. */
export const MAX_TOKENS = Number.MAX_SAFE_INTEGER;
/** Largest image or request count: the ledger stores these in integer columns. */
export const MAX_CALL_COUNT = 2_147_483_647;

/**
 * Billable quantities of one call. `input` excludes cached reads and cache
 * creation and includes `audioInput`; `output` includes `reasoning` and
 * `audioOutput`, as OpenAI reports them.
 */
export class UsageCounts {
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKENS) input?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKENS) output?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKENS) cachedInput?: number;
  /** Cache creation at the provider's default time to live (5 minutes at Anthropic). */
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKENS) cacheCreation?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKENS) cacheCreation1h?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKENS) reasoning?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKENS) audioInput?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKENS) audioOutput?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_CALL_COUNT) imagesInput?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_CALL_COUNT) imagesOutput?: number;
  /** Calls billed per request; 1 when absent. */
  @IsOptional() @IsInt() @Min(0) @Max(MAX_CALL_COUNT) requests?: number;
}

/** Usage an application reports directly, without a trace, or beside one. */
export class UsageRecorded extends UsageAttribution {
  /** Unique per call within the tenant; redelivering the same id is priced once. */
  @IsString() @MaxLength(200) usageId!: string;
  @IsOptional() @Matches(/^[0-9a-f]{32}$/) traceId?: string;
  @IsOptional() @Matches(/^[0-9a-f]{16}$/) spanId?: string;
  /** A workflow run or agent session, which run budgets are enforced on. */
  @IsOptional() @IsString() @MaxLength(200) sessionId?: string;
  @IsISO8601({ strict: true }) occurredAt!: string;
  /** The model name as the provider returned it; resolved against the catalog when priced. */
  @IsString() @MaxLength(200) model!: string;
  @IsOptional() @IsString() @MaxLength(200) provider?: string;
  @IsOptional() @IsBoolean() batch?: boolean;
  @IsObject() @ValidateNested() @Type(() => UsageCounts) usage!: UsageCounts;
}

export const UsageRecordedV1 = defineEvent({
  type: 'cost.usage.recorded',
  version: 1,
  topic: Topics.usage,
  payload: UsageRecorded,
  partitionKey: (p) => p.traceId ?? p.usageId,
  description: 'An application reports the billable usage of one model call.',
});

export const BUDGET_PERIOD_NAMES = ['day', 'week', 'month', 'run'] as const;
export const BUDGET_STATE_NAMES = ['ok', 'soft_limit', 'hard_limit'] as const;

export class BudgetDefined {
  @IsUUID() budgetId!: string;
  @IsString() @MaxLength(200) name!: string;
  @IsObject() @ValidateNested() @Type(() => CostScope) scope!: CostScope;
  @IsIn(BUDGET_PERIOD_NAMES) period!: (typeof BUDGET_PERIOD_NAMES)[number];
  /** USD as decimal strings. */
  @IsOptional() @IsNumberString() softLimit?: string;
  @IsOptional() @IsNumberString() hardLimit?: string;
  /** Percentages of the hard limit (or the soft one) that raise threshold events. */
  @IsArray() @ArrayMaxSize(20) @IsInt({ each: true }) @Min(1, { each: true }) @Max(1000, { each: true }) thresholds!: number[];
  @IsString() definedBy!: string;
}

export const BudgetDefinedV1 = defineEvent({
  type: 'cost.budget.defined',
  version: 1,
  topic: Topics.costEvents,
  payload: BudgetDefined,
  partitionKey: (p) => p.budgetId,
  description: 'A budget was created or its limits changed; the latest definition applies from now on.',
});

export class BudgetRemoved {
  @IsUUID() budgetId!: string;
  @IsString() @MaxLength(200) name!: string;
  @IsString() removedBy!: string;
  @IsString() @MaxLength(2000) reason!: string;
}

export const BudgetRemovedV1 = defineEvent({
  type: 'cost.budget.removed',
  version: 1,
  topic: Topics.costEvents,
  payload: BudgetRemoved,
  partitionKey: (p) => p.budgetId,
  description: 'A budget was removed: it no longer counts spend, raises events or limits decisions. Its past events stay as they were.',
});

/** The budget and the period spending is counted in: an ISO start time for calendar periods, the session or trace id for run budgets. */
class BudgetPeriodRef {
  @IsUUID() budgetId!: string;
  @IsString() periodKey!: string;
  @IsObject() @ValidateNested() @Type(() => CostScope) scope!: CostScope;
  @IsNumberString() spent!: string;
}

export class BudgetThresholdCrossed extends BudgetPeriodRef {
  @IsInt() thresholdPercent!: number;
  @IsNumberString() limit!: string;
}

export const BudgetThresholdCrossedV1 = defineEvent({
  type: 'cost.budget.threshold-crossed',
  version: 1,
  topic: Topics.costEvents,
  payload: BudgetThresholdCrossed,
  partitionKey: (p) => p.budgetId,
  description: 'Spending in a budget period reached one of its threshold percentages.',
});

export class BudgetStateChanged extends BudgetPeriodRef {
  @IsIn(BUDGET_STATE_NAMES) state!: (typeof BUDGET_STATE_NAMES)[number];
  @IsIn(BUDGET_STATE_NAMES) previousState!: (typeof BUDGET_STATE_NAMES)[number];
  /** The limit the new state refers to: the hard limit at hard_limit, else the soft limit. */
  @IsOptional() @IsNumberString() limit?: string;
}

export const BudgetStateChangedV1 = defineEvent({
  type: 'cost.budget.state-changed',
  version: 1,
  topic: Topics.costEvents,
  payload: BudgetStateChanged,
  partitionKey: (p) => p.budgetId,
  description: 'A budget period moved between ok, soft_limit and hard_limit; the policy decision point denies or asks for approval at hard_limit.',
});

export const SPEND_SIGNAL_KINDS = ['runaway_loop', 'retries', 'oversized_context', 'spike'] as const;

export class SpendSignalRaised {
  @IsUUID() signalId!: string;
  @IsIn(SPEND_SIGNAL_KINDS) kind!: (typeof SPEND_SIGNAL_KINDS)[number];
  @IsOptional() @Matches(/^[0-9a-f]{32}$/) traceId?: string;
  @IsObject() @ValidateNested() @Type(() => CostScope) scope!: CostScope;
  /** Kind-specific figures, such as the repeated step and its call count, or the hour's spend and baseline. */
  @IsObject() detail!: Record<string, unknown>;
}

export const SpendSignalRaisedV1 = defineEvent({
  type: 'cost.spend-signal.raised',
  version: 1,
  topic: Topics.costEvents,
  payload: SpendSignalRaised,
  partitionKey: (p) => p.traceId ?? p.signalId,
  description: 'The ledger saw a runaway loop, retries, an oversized context or a spend spike.',
});

export class PriceCatalogImported {
  @IsUUID() catalogVersion!: string;
  @Matches(/^[0-9a-f]{64}$/) sha256!: string;
  @IsString() format!: string;
  @IsISO8601({ strict: true }) effectiveFrom!: string;
  @IsInt() @Min(0) entryCount!: number;
  @IsString() importedBy!: string;
}

export const PriceCatalogImportedV1 = defineEvent({
  type: 'cost.price-catalog.imported',
  version: 1,
  topic: Topics.costEvents,
  payload: PriceCatalogImported,
  partitionKey: (p) => p.catalogVersion,
  description: 'A price catalog version was imported; it prices usage from its effective time.',
});

export class PriceOverrideSet {
  @IsUUID() overrideId!: string;
  /** The catalog key the negotiated prices replace. */
  @IsString() @MaxLength(200) model!: string;
  @IsISO8601({ strict: true }) effectiveFrom!: string;
  /** Unit prices by price class (input, output, cache_read, ...), USD as decimal strings. */
  @IsObject() prices!: Record<string, string>;
  @IsString() @MaxLength(1000) reason!: string;
  @IsString() setBy!: string;
}

export const PriceOverrideSetV1 = defineEvent({
  type: 'cost.price-override.set',
  version: 1,
  topic: Topics.costEvents,
  payload: PriceOverrideSet,
  partitionKey: (p) => p.overrideId,
  description: 'A tenant set negotiated prices for one model from an effective time.',
});
