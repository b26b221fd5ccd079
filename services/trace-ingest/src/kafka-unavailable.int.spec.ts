import type { ApiKeyStore } from '@estate/access';
import { KafkaBus } from '@estate/kafka';
import { API_KEY_STORE } from '@estate/service-kit';
import { createLogger } from '@estate/telemetry';
import type { FastifyInstance } from 'fastify';
import { startTraceIngest, TraceIngestUnderTest } from '../test/harness';
import { newSpanId, newTraceId, otlpJsonRequest } from '../test/otlp-json';
import { SpanIngestor } from './ingest/span-ingestor';
import { createOtlpHttpServer } from './otlp/http-receiver';

jest.setTimeout(120_000);

describe('OTLP receiver without Kafka', () => {
  let ingest: TraceIngestUnderTest;
  let receiver: FastifyInstance;
  let deadBus: KafkaBus;

  beforeAll(async () => {
    ingest = await startTraceIngest();
    const logger = createLogger('kafka-unavailable-test', 'fatal');
    // Nothing listens on port 1 of loopback, so every append fails as it would with Kafka down.
    deadBus = new KafkaBus({ clientId: 'dead-bus', brokers: ['127.0.0.1:1'], retry: { retries: 0, initialDelayMs: 10, maxDelayMs: 10 } }, logger);
    const store = ingest.service.app.get<ApiKeyStore>(API_KEY_STORE);
    receiver = createOtlpHttpServer({ store, ingestor: new SpanIngestor(deadBus, ingest.settings, logger), limits: ingest.settings.limits, logger });
    await receiver.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await receiver.close();
    await deadBus.close().catch(() => undefined);
    await ingest.stop();
  });

  it('answers 503 with Retry-After so the exporter retries', async () => {
    const port = (receiver.server.address() as { port: number }).port;
    const traceId = newTraceId();
    const response = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest.keys.ingest.key}` },
      body: JSON.stringify(otlpJsonRequest([{ traceId, spanId: newSpanId(), name: 'lost?', startNs: 1n, endNs: 2n }])),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ code: 'unavailable', retryable: true });
    expect((await ingest.get(`/v1/traces/${traceId}`)).status).toBe(404);
  });
});
