import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';

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

export const AssetObservedV1 = defineEvent({
  type: 'trace.asset.observed',
  version: 1,
  topic: Topics.runtimeObservations,
  // Tests write to per-run copies (`<topic>.<suffix>`) so they never replay shared history.
  acceptsTopic: (topic) => topic.startsWith(`${Topics.runtimeObservations}.`),
  payload: AssetObserved,
  partitionKey: (p) => `${p.kind}:${p.name}`,
  description: 'Runtime telemetry showed an asset in use, with first and last seen times in the observed window.',
});
