import type { SpanInput } from '@estate/genai-conventions';
import type { MessageBus } from '@estate/kafka';
import { createLogger } from '@estate/telemetry';
import { DEFAULT_LIMITS } from '../settings';
import { SpanIngestor } from './span-ingestor';

const TOPICS = { spans: 'spans', observations: 'observations', policyDecisions: 'decisions', approvalEvents: 'approvals' };

function span(spanId: string, name: string): SpanInput {
  return { traceId: 'a'.repeat(32), spanId, name, kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2', statusCode: 0, attributes: {}, events: [], resource: {} };
}

describe('span ingestor records', () => {
  const ingestor = new SpanIngestor({} as MessageBus, { otlpHttpPort: 0, otlpGrpcPort: 0, limits: DEFAULT_LIMITS, redaction: [], topics: TOPICS }, createLogger('ingestor-test', 'warn'));

  it('rejects a contract-breaking span alone', () => {
    const batch = { spans: [span('b'.repeat(16), 'chat'), span('c'.repeat(16), 'x'.repeat(2000))], rejected: [] };

    const { records, result } = ingestor.toRecords('tenant-a', 'otlp-http-json', batch);

    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([{ path: `span ${'c'.repeat(16)}`, reason: expect.stringContaining('name: name must be shorter than or equal to 1024 characters') }]);
    const spanRecords = records.filter((r) => r.topic === TOPICS.spans);
    expect(spanRecords).toHaveLength(1);
    expect(JSON.parse(spanRecords[0].value.toString()).payload.spans.map((s: { spanId: string }) => s.spanId)).toEqual(['b'.repeat(16)]);
  });

  it('replaces unpaired surrogates in records', () => {
    const lone = { ...span('b'.repeat(16), 'chat\udc00'), attributes: { prompt: 'a\ud800b', literal: '\\ud800', emoji: '\ud83d\ude00' } };

    const { records, result } = ingestor.toRecords('tenant-a', 'otlp-http-json', { spans: [lone], rejected: [] });

    expect(result.accepted).toBe(1);
    const stored = JSON.parse(records.find((r) => r.topic === TOPICS.spans)!.value.toString()).payload.spans[0];
    expect(stored.name).toBe('chat\ufffd');
    expect(stored.attributes).toEqual({ prompt: 'a\ufffdb', literal: '\\ud800', emoji: '\ud83d\ude00' });
  });
});
