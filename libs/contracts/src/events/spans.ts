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
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { FieldIssue } from '../errors';
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
 * reported, kept for reconciliation. trace-ingest also keeps audio out of
 * `input` and `output`, and reasoning out of `output`, so every class is
 * disjoint: price reasoning tokens at the output rate where a provider does.
 */
/** Largest token count a span may carry: counts stay exact JavaScript numbers and fit Postgres bigint. */
export const MAX_TOKEN_COUNT = Number.MAX_SAFE_INTEGER;

export class TokenUsage {
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKEN_COUNT) input?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKEN_COUNT) output?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKEN_COUNT) cachedInput?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKEN_COUNT) cacheCreation?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKEN_COUNT) reasoning?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKEN_COUNT) audioInput?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKEN_COUNT) audioOutput?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TOKEN_COUNT) total?: number;
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
  @IsObject() @ValidateNested() @Type(() => SpanContext) context!: SpanContext;
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

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
/** What class-validator's IsNumberString accepts (validator.js isNumeric). */
const NUMBER_STRING = /^[+-]?([0-9]*[.])?[0-9]+$/;
const SOURCES = ['otlp-http-protobuf', 'otlp-http-json', 'otlp-grpc', 'file-import'];
const STATUSES = ['unset', 'ok', 'error'];
/** Every SpanContext field; the validation unit test checks the list against the class. */
export const SPAN_CONTEXT_KEYS = [
  'service', 'environment', 'workflow', 'product', 'team', 'agent', 'tool', 'toolCallId', 'mcpServer', 'modelRequested',
  'modelServed', 'modelRoute', 'provider', 'operation', 'principal', 'policyClass', 'toolScope', 'promptVersion', 'sessionId',
] as const;
const USAGE_KEYS = ['input', 'output', 'cachedInput', 'cacheCreation', 'reasoning', 'audioInput', 'audioOutput', 'total'] as const;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Checks a SpansRecorded payload with the same rules as the class-validator
 * decorators above, about thirty times faster, because every span crosses
 * this boundary twice (on append and on every consumer). The unit test
 * `spans-validation.unit.spec.ts` holds both to the same verdicts.
 */
export function validateSpansRecorded(payload: unknown): FieldIssue[] {
  if (!isObject(payload)) return [{ field: '', message: 'must be a JSON object' }];
  const issues: FieldIssue[] = [];
  const issue = (field: string, message: string) => issues.push({ field, message });
  if (typeof payload.traceId !== 'string' || !TRACE_ID.test(payload.traceId)) issue('traceId', 'traceId must match /^[0-9a-f]{32}$/');
  if (!SOURCES.includes(payload.source as string)) issue('source', `source must be one of the following values: ${SOURCES.join(', ')}`);
  if (!Array.isArray(payload.spans)) {
    issue('spans', 'spans must be an array');
    return issues;
  }
  if (payload.spans.length > 10000) issue('spans', 'spans must contain no more than 10000 elements');
  payload.spans.forEach((span, index) => checkSpan(span, `spans.${index}`, issue));
  return issues;
}

type Issue = (field: string, message: string) => void;

/** Reports `key` unless its value is absent or a string. The field path is built only for a value that fails: this runs for every key of every span. */
function optionalString(issue: Issue, at: string, key: string, value: unknown, within = ''): void {
  if (value !== undefined && value !== null && typeof value !== 'string') issue(`${at}${within}.${key}`, `${key} must be a string`);
}

function checkSpan(span: unknown, at: string, issue: Issue): void {
  if (!isObject(span)) {
    issue(at, 'nested property must be either object or array');
    return;
  }
  if (typeof span.traceId !== 'string' || !TRACE_ID.test(span.traceId)) issue(`${at}.traceId`, 'traceId must match /^[0-9a-f]{32}$/');
  if (typeof span.spanId !== 'string' || !SPAN_ID.test(span.spanId)) issue(`${at}.spanId`, 'spanId must match /^[0-9a-f]{16}$/');
  if (span.parentSpanId !== undefined && span.parentSpanId !== null && (typeof span.parentSpanId !== 'string' || !SPAN_ID.test(span.parentSpanId))) {
    issue(`${at}.parentSpanId`, 'parentSpanId must match /^[0-9a-f]{16}$/');
  }
  if (typeof span.name !== 'string') issue(`${at}.name`, 'name must be a string');
  else if (span.name.length > 1024) issue(`${at}.name`, 'name must be shorter than or equal to 1024 characters');
  if (!(SPAN_STEPS as readonly unknown[]).includes(span.step)) issue(`${at}.step`, `step must be one of the following values: ${SPAN_STEPS.join(', ')}`);
  for (const key of ['startTimeUnixNano', 'endTimeUnixNano']) {
    if (typeof span[key] !== 'string' || !NUMBER_STRING.test(span[key] as string)) issue(`${at}.${key}`, `${key} must be a number string`);
  }
  if (!STATUSES.includes(span.status as string)) issue(`${at}.status`, `status must be one of the following values: ${STATUSES.join(', ')}`);
  optionalString(issue, at, 'statusMessage', span.statusMessage);
  optionalString(issue, at, 'scope', span.scope);

  if (!isObject(span.context)) issue(`${at}.context`, 'nested property context must be either object or array');
  else for (const key of SPAN_CONTEXT_KEYS) optionalString(issue, at, key, span.context[key], '.context');

  if (span.usage !== undefined && span.usage !== null) {
    if (!isObject(span.usage)) issue(`${at}.usage`, 'nested property usage must be either object or array');
    else {
      for (const key of USAGE_KEYS) {
        const value = span.usage[key];
        if (value === undefined || value === null) continue;
        if (!Number.isInteger(value)) issue(`${at}.usage.${key}`, `${key} must be an integer number`);
        else if ((value as number) < 0) issue(`${at}.usage.${key}`, `${key} must not be less than 0`);
        else if ((value as number) > MAX_TOKEN_COUNT) issue(`${at}.usage.${key}`, `${key} must not be greater than ${MAX_TOKEN_COUNT}`);
      }
    }
  }
  if (span.reportedCost !== undefined && span.reportedCost !== null) {
    const cost = span.reportedCost;
    if (!isObject(cost)) issue(`${at}.reportedCost`, 'nested property reportedCost must be either object or array');
    else {
      if (typeof cost.amount !== 'string' || !NUMBER_STRING.test(cost.amount)) issue(`${at}.reportedCost.amount`, 'amount must be a number string');
      if (typeof cost.currency !== 'string' || cost.currency.length > 8) issue(`${at}.reportedCost.currency`, 'currency must be a string of at most 8 characters');
      if (typeof cost.source !== 'string' || cost.source.length > 200) issue(`${at}.reportedCost.source`, 'source must be a string of at most 200 characters');
    }
  }
  if (!isObject(span.attributes)) issue(`${at}.attributes`, 'attributes must be an object');
  if (!isObject(span.resource)) issue(`${at}.resource`, 'resource must be an object');
  if (span.events !== undefined && span.events !== null && !Array.isArray(span.events)) issue(`${at}.events`, 'events must be an array');
}

export const SpansRecordedV1 = defineEvent({
  type: 'trace.spans.recorded',
  version: 1,
  topic: Topics.spans,
  // Tests and benchmarks write to per-run copies (`<topic>.<suffix>`) so they never replay shared history.
  acceptsTopic: (topic) => topic.startsWith(`${Topics.spans}.`),
  payload: SpansRecorded,
  validate: validateSpansRecorded,
  partitionKey: (p) => p.traceId,
  description: 'Canonical spans of one trace, accepted by a receiver or a file import.',
});
