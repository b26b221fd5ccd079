import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumberString,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';

/** The step of the execution path a span stands for. */
export const SPAN_STEPS = [
  'request',
  'llm_call',
  'embedding',
  'retrieval',
  'tool_call',
  'agent_invocation',
  'policy_decision',
  'approval_checkpoint',
  'output',
  'side_effect',
  'other',
] as const;
export type SpanStep = (typeof SPAN_STEPS)[number];

/**
 * Token counts by class. `input` excludes cached reads and cache creation, so
 * the classes add up without double counting; `total` is what the producer
 * reported, kept for reconciliation.
 */
export class TokenUsage {
  @IsOptional() @IsInt() @Min(0) input?: number;
  @IsOptional() @IsInt() @Min(0) output?: number;
  @IsOptional() @IsInt() @Min(0) cachedInput?: number;
  @IsOptional() @IsInt() @Min(0) cacheCreation?: number;
  @IsOptional() @IsInt() @Min(0) reasoning?: number;
  @IsOptional() @IsInt() @Min(0) audioInput?: number;
  @IsOptional() @IsInt() @Min(0) audioOutput?: number;
  @IsOptional() @IsInt() @Min(0) total?: number;
}

/** A cost the span's producer computed, kept beside Estate's own pricing with its source. */
export class ReportedCost {
  /** Decimal string, never a binary float. */
  @IsNumberString() amount!: string;
  @IsString() @MaxLength(8) currency!: string;
  @IsString() @MaxLength(200) source!: string;
}

/** The context that changes what a span means, extracted from span and resource attributes. */
export class SpanContext {
  @IsOptional() @IsString() service?: string;
  @IsOptional() @IsString() environment?: string;
  @IsOptional() @IsString() workflow?: string;
  @IsOptional() @IsString() product?: string;
  @IsOptional() @IsString() team?: string;
  @IsOptional() @IsString() agent?: string;
  @IsOptional() @IsString() tool?: string;
  @IsOptional() @IsString() toolCallId?: string;
  @IsOptional() @IsString() mcpServer?: string;
  @IsOptional() @IsString() modelRequested?: string;
  @IsOptional() @IsString() modelServed?: string;
  @IsOptional() @IsString() modelRoute?: string;
  @IsOptional() @IsString() provider?: string;
  @IsOptional() @IsString() operation?: string;
  @IsOptional() @IsString() principal?: string;
  @IsOptional() @IsString() policyClass?: string;
  @IsOptional() @IsString() toolScope?: string;
  @IsOptional() @IsString() promptVersion?: string;
  @IsOptional() @IsString() sessionId?: string;
}

/** One span in Estate's canonical model, whatever convention its producer followed. */
export class CanonicalSpan {
  @Matches(/^[0-9a-f]{32}$/) traceId!: string;
  @Matches(/^[0-9a-f]{16}$/) spanId!: string;
  @IsOptional() @Matches(/^[0-9a-f]{16}$/) parentSpanId?: string;
  @IsString() @MaxLength(1024) name!: string;
  @IsIn(SPAN_STEPS) step!: SpanStep;
  /** Nanoseconds since the epoch as a decimal string, exact. */
  @IsNumberString() startTimeUnixNano!: string;
  @IsNumberString() endTimeUnixNano!: string;
  @IsIn(['unset', 'ok', 'error']) status!: 'unset' | 'ok' | 'error';
  @IsOptional() @IsString() statusMessage?: string;
  @ValidateNested() @Type(() => SpanContext) context!: SpanContext;
  /** Present only on model-call spans; wrapper spans repeat their children's totals and carry none. */
  @IsOptional() @ValidateNested() @Type(() => TokenUsage) usage?: TokenUsage;
  @IsOptional() @ValidateNested() @Type(() => ReportedCost) reportedCost?: ReportedCost;
  @IsObject() attributes!: Record<string, unknown>;
  @IsObject() resource!: Record<string, unknown>;
  @IsOptional() @IsArray() events?: Array<{ name: string; timeUnixNano: string; attributes: Record<string, unknown> }>;
  @IsOptional() @IsString() scope?: string;
}

/** Spans of one trace accepted in one request; grouping by trace keeps one partition key per event. */
export class SpansRecorded {
  @Matches(/^[0-9a-f]{32}$/) traceId!: string;
  @IsIn(['otlp-http-protobuf', 'otlp-http-json', 'otlp-grpc', 'file-import']) source!: string;
  @IsArray() @ArrayMaxSize(10000) @ValidateNested({ each: true }) @Type(() => CanonicalSpan) spans!: CanonicalSpan[];
}

export const SpansRecordedV1 = defineEvent({
  type: 'trace.spans.recorded',
  version: 1,
  topic: Topics.spans,
  // Tests and benchmarks write to per-run copies (`<topic>.<suffix>`) so they never replay shared history.
  acceptsTopic: (topic) => topic.startsWith(`${Topics.spans}.`),
  payload: SpansRecorded,
  partitionKey: (p) => p.traceId,
  description: 'Canonical spans of one trace, accepted by a receiver or a file import.',
});
