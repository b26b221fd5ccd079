import { AssetObservedV1, CanonicalSpan, ContractError, createEnvelope, encodeEvent, SpansRecorded, SpansRecordedV1 } from '@estate/contracts';
import { inheritContext, invalidUsageAttributes, normaliseSpan, SpanInput } from '@estate/genai-conventions';
import type { MessageBus, OutboundRecord } from '@estate/kafka';
import { AppError } from '@estate/service-kit';
import type { Logger } from 'pino';
import type { DecodedBatch, RejectedSpan } from '../otlp/decoded';
import type { TraceIngestSettings } from '../settings';
import { ingestMetrics } from './ingest-metrics';
import { spanLimitProblem, truncateLongValues } from './limits';
import { AppendQueue } from './append-queue';
import { observeAssets } from './observations';
import { redactionApplies, redactSpan } from './redaction';

export type SpanSource = SpansRecorded['source'];

export interface IngestResult {
  accepted: number;
  rejected: RejectedSpan[];
  /** Spans stored with a problem the client should hear about; they count as accepted. */
  warnings: RejectedSpan[];
}

/** Kafka's default maximum record is 1 MiB; events stay below it with room for the envelope. */
const MAX_EVENT_BYTES = 900 * 1024;
const PRODUCER = 'trace-ingest';

/**
 * Turns decoded spans into canonical spans and appends them durably: one
 * `trace.spans.recorded` event per trace per request (split only when the
 * event would exceed the record size limit), and one `trace.asset.observed`
 * event per asset seen. It resolves only after Kafka has acknowledged every
 * record from all in-sync replicas, so a success the client sees survives a
 * crash, and a failure makes the client retry the whole request.
 */
export class SpanIngestor {
  private readonly appends: AppendQueue;

  constructor(
    bus: MessageBus,
    private readonly settings: TraceIngestSettings,
    private readonly logger: Logger,
  ) {
    this.appends = new AppendQueue(bus);
  }

  async ingest(tenantId: string, source: SpanSource, batch: DecodedBatch): Promise<IngestResult> {
    const { records, spans, result } = this.toRecords(tenantId, source, batch);
    await this.append(records, tenantId, spans);
    ingestMetrics.accepted.inc({ source }, result.accepted);
    if (result.rejected.length > 0) ingestMetrics.rejected.inc({ source }, result.rejected.length);
    return result;
  }

  /** Checks limits, normalises the spans and encodes the records `ingest` appends, without appending them. */
  toRecords(tenantId: string, source: SpanSource, batch: DecodedBatch): { records: OutboundRecord[]; spans: number; result: IngestResult } {
    const total = batch.spans.length + batch.rejected.length;
    const { limits } = this.settings;
    if (total > limits.maxSpansPerRequest) {
      throw new AppError(
        'payload_too_large',
        `request has ${total} spans; the limit is ${limits.maxSpansPerRequest} per request. Send smaller batches (for example lower the exporter's maximum batch size)`,
        'spans',
      );
    }

    const rejected = [...batch.rejected];
    const warnings: RejectedSpan[] = [];
    const spans: CanonicalSpan[] = [];
    for (const input of batch.spans) {
      const problem = spanLimitProblem(input, limits);
      if (problem) {
        rejected.push({ path: `span ${input.spanId}`, reason: problem });
        continue;
      }
      for (const usageProblem of invalidUsageAttributes(input.attributes)) {
        warnings.push({ path: `span ${input.spanId}`, reason: `${usageProblem}; the span is kept with the raw attribute but this usage is not counted` });
      }
      spans.push(this.prepare(tenantId, input));
    }

    inheritContext(spans);
    const records = this.encode(tenantId, source, spans, rejected);
    return { records, spans: spans.length, result: { accepted: total - rejected.length, rejected, warnings } };
  }

  private prepare(tenantId: string, input: SpanInput): CanonicalSpan {
    const environment = [input.attributes, input.resource]
      .map((a) => a['estate.environment'] ?? a['deployment.environment.name'] ?? a['deployment.environment'])
      .find((v) => typeof v === 'string') as string | undefined;
    if (redactionApplies(this.settings.redaction, tenantId, environment)) redactSpan(input);
    truncateLongValues(input, this.settings.limits.maxAttributeValueLength);
    return normaliseSpan(input);
  }

  private encode(tenantId: string, source: SpanSource, spans: CanonicalSpan[], rejected: RejectedSpan[]): OutboundRecord[] {
    const byTrace = new Map<string, CanonicalSpan[]>();
    for (const span of spans) {
      const list = byTrace.get(span.traceId);
      if (list) list.push(span);
      else byTrace.set(span.traceId, [span]);
    }
    const records: OutboundRecord[] = [];
    for (const [traceId, traceSpans] of byTrace) {
      records.push(...this.encodeTrace(tenantId, source, traceId, traceSpans, rejected));
    }
    const oversized = new Set(rejected.map((r) => r.path));
    for (const observed of observeAssets(spans.filter((s) => !oversized.has(`span ${s.spanId}`)))) {
      const envelope = createEnvelope({ type: AssetObservedV1.type, schemaVersion: 1, tenantId, producer: PRODUCER, key: AssetObservedV1.partitionKey(observed), payload: observed, correlationId: observed.exampleTraceId });
      records.push(withoutLoneSurrogates({ ...encodeEvent(envelope), topic: this.settings.topics.observations }));
    }
    return records;
  }

  /**
   * Encodes one trace's spans, halving the group until each event fits in a
   * Kafka record and passes its contract. A single span that is too large or
   * breaks the contract is rejected with the reason, and the others are kept.
   */
  private encodeTrace(tenantId: string, source: SpanSource, traceId: string, spans: CanonicalSpan[], rejected: RejectedSpan[]): OutboundRecord[] {
    const payload: SpansRecorded = { traceId, source, spans };
    const envelope = createEnvelope({ type: SpansRecordedV1.type, schemaVersion: 1, tenantId, producer: PRODUCER, key: traceId, payload, correlationId: traceId });
    let record: OutboundRecord | undefined;
    let problem: string;
    try {
      record = withoutLoneSurrogates({ ...encodeEvent(envelope), topic: this.settings.topics.spans });
      problem = `span is ${record.value.length} bytes after truncation; the limit is ${MAX_EVENT_BYTES}. Lower its attribute count or sizes`;
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      const fields = error.issues.map((i) => `${i.field.replace(/^payload\.spans\.\d+\./, '')}: ${i.message}`);
      problem = `span breaks the canonical span contract (${fields.join('; ') || error.message})`;
    }
    if (record && record.value.length <= MAX_EVENT_BYTES) return [record];
    if (spans.length === 1) {
      rejected.push({ path: `span ${spans[0].spanId}`, reason: problem });
      return [];
    }
    const middle = Math.ceil(spans.length / 2);
    return [...this.encodeTrace(tenantId, source, traceId, spans.slice(0, middle), rejected), ...this.encodeTrace(tenantId, source, traceId, spans.slice(middle), rejected)];
  }

  private async append(records: OutboundRecord[], tenantId: string, spans: number): Promise<void> {
    const timer = ingestMetrics.appendSeconds.startTimer();
    try {
      await this.appends.append(records);
      timer();
    } catch (error) {
      ingestMetrics.appendFailures.inc();
      this.logger.error({ err: error, tenantId, spans, records: records.length }, 'kafka append failed; answering with a retryable error');
      throw new AppError('unavailable', 'spans could not be stored durably right now; retry the request with backoff', undefined, true);
    }
  }
}

/** An unpaired UTF-16 surrogate as JSON.stringify writes it (`\udXXX`), not itself escaped by a backslash. */
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/**
 * Replaces each unpaired surrogate in an encoded event with U+FFFD, as span
 * staging does for NUL. Postgres jsonb rejects such escapes, so every consumer
 * that stores the span would otherwise send the whole record to the
 * dead-letter topic. A paired surrogate is written as text, never escaped.
 */
function withoutLoneSurrogates(record: OutboundRecord): OutboundRecord {
  const value = Buffer.isBuffer(record.value) ? record.value : Buffer.from(record.value);
  if (!value.includes('\\ud')) return record;
  const text = value.toString('utf8');
  const fixed = text.replace(LONE_SURROGATE_ESCAPE, '$1\\ufffd');
  return fixed === text ? record : { ...record, value: Buffer.from(fixed) };
}
