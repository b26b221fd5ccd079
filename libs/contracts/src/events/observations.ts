import { IsIn, isISO8601, IsISO8601, IsOptional, IsString, maxLength, MaxLength } from 'class-validator';
import { absentOrString, isPlainObject, STRICT_DATE } from '../plain-checks';
import { defineEvent } from '../registry';
import { Topics } from '../topics';
import { fastThenDecorators } from './decision-check';

/** Kinds of thing runtime telemetry can reveal. */
export const OBSERVED_KINDS = ['model', 'provider', 'agent', 'tool', 'mcp_server', 'service', 'workflow'] as const;
export type ObservedKind = (typeof OBSERVED_KINDS)[number];

/**
 * Runtime saw an asset (a model, an agent, a tool, ...) in traces. The
 * inventory matches it against registered assets to find what nobody
 * registered and what is registered but never seen; `viaAgent` lets it find
 * tool calls outside an agent's declared relationships.
 */
export class AssetObserved {
  @IsIn(OBSERVED_KINDS) kind!: ObservedKind;
  /** The name as telemetry reported it, such as `gpt-4o-mini` or `search_docs`. */
  @IsString() @MaxLength(512) name!: string;
  @IsOptional() @IsString() provider?: string;
  @IsOptional() @IsString() environment?: string;
  @IsOptional() @IsString() service?: string;
  /** The agent that used this asset in the observed span, when there was one. */
  @IsOptional() @IsString() viaAgent?: string;
  @IsOptional() @IsString() workflow?: string;
  @IsISO8601({ strict: true }) firstSeenAt!: string;
  @IsISO8601({ strict: true }) lastSeenAt!: string;
  /** A trace that shows the use, for drill-down. */
  @IsString() exampleTraceId!: string;
}

/**
 * Accepts a plainly valid `trace.asset.observed` payload by the rules of
 * AssetObserved's decorators, without class-transformer's copy. Receivers
 * encode one per asset per request. Anything else goes to the decorators,
 * which word the issues. The unit test keeps both to the same verdicts.
 */
export function observationLooksValid(payload: unknown): boolean {
  if (!isPlainObject(payload)) return false;
  const p = payload;
  return (
    (OBSERVED_KINDS as readonly unknown[]).includes(p.kind) &&
    typeof p.name === 'string' && maxLength(p.name, 512) &&
    absentOrString(p.provider) && absentOrString(p.environment) && absentOrString(p.service) && absentOrString(p.viaAgent) && absentOrString(p.workflow) &&
    typeof p.firstSeenAt === 'string' && isISO8601(p.firstSeenAt, STRICT_DATE) &&
    typeof p.lastSeenAt === 'string' && isISO8601(p.lastSeenAt, STRICT_DATE) &&
    typeof p.exampleTraceId === 'string'
  );
}

export const AssetObservedV1 = defineEvent({
  type: 'trace.asset.observed',
  version: 1,
  topic: Topics.runtimeObservations,
  // Tests write to per-run copies (`<topic>.<suffix>`) so they never replay shared history.
  acceptsTopic: (topic) => topic.startsWith(`${Topics.runtimeObservations}.`),
  payload: AssetObserved,
  validate: fastThenDecorators(AssetObserved, observationLooksValid),
  partitionKey: (p) => `${p.kind}:${p.name}`,
  description: 'Runtime telemetry showed an asset in use, with first and last seen times in the observed window.',
});
