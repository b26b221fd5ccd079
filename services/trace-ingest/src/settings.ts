import { Topics } from '@estate/contracts';
import type { RedactionRule } from './ingest/redaction';

/** Limits applied to every OTLP request and imported file. */
export interface IngestLimits {
  maxBodyBytes: number;
  maxSpansPerRequest: number;
  maxAttributesPerSpan: number;
  maxAttributeValueLength: number;
}

/** Topics the service writes and reads; tests and the benchmark pass per-run copies so they never replay shared history. */
export interface TraceTopics {
  spans: string;
  observations: string;
  policyDecisions: string;
  approvalEvents: string;
}

export interface TraceIngestSettings {
  otlpHttpPort: number;
  otlpGrpcPort: number;
  limits: IngestLimits;
  redaction: RedactionRule[];
  topics: TraceTopics;
}

export const DEFAULT_TOPICS: TraceTopics = {
  spans: Topics.spans,
  observations: Topics.runtimeObservations,
  policyDecisions: Topics.policyDecisions,
  approvalEvents: Topics.approvalEvents,
};

export const DEFAULT_LIMITS: IngestLimits = {
  maxBodyBytes: 8 * 1024 * 1024,
  maxSpansPerRequest: 10000,
  maxAttributesPerSpan: 256,
  maxAttributeValueLength: 16384,
};
