import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import type { ApiKeyStore } from '@estate/access';
import { AppError, authenticateHeader, checkRole } from '@estate/service-kit';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { SpanIngestor } from '../ingest/span-ingestor';
import type { IngestLimits } from '../settings';
import { DecodedBatch, MalformedPayloadError } from './decoded';
import { decodeJsonRequest } from './decode-json';
import { decodeProtobufRequest } from './decode-protobuf';
import { encodeExportResponse, RpcStatus } from './otlp-schema';
import { GRPC_STATUS, httpStatusOf, partialSuccessMessage, RETRY_AFTER_SECONDS, toAppError } from './receiver-errors';

const gunzip = promisify(gunzipCallback);
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/**
 * The OTLP/HTTP receiver: `POST /v1/traces` with protobuf or JSON bodies,
 * optionally gzip-encoded. It answers in the request's encoding: 200 with
 * an ExportTraceServiceResponse (partial success counts rejected spans), or
 * an error status with a `google.rpc.Status` (protobuf) or the shared JSON
 * error body; 503 with Retry-After when spans cannot be stored durably.
 */
export function createOtlpHttpServer(deps: { store: ApiKeyStore; ingestor: SpanIngestor; limits: IngestLimits; logger: Logger }): FastifyInstance {
  const { store, ingestor, limits, logger } = deps;
  // The compressed body is bounded by the same limit as the decompressed one.
  const app = Fastify({ bodyLimit: limits.maxBodyBytes, logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/v1/traces', async (request, reply) => {
    const wantsProtobuf = answersInProtobuf(request);
    try {
      const principal = await authenticateHeader(store, request.headers.authorization);
      checkRole(principal, ['ingest']);
      const batch = await decodeBody(request, limits);
      const source = mediaType(request) === JSON_TYPE ? 'otlp-http-json' : 'otlp-http-protobuf';
      const result = await ingestor.ingest(principal.tenantId, source, batch);
      const message = partialSuccessMessage(result.rejected, result.warnings);
      if (wantsProtobuf) return reply.status(200).header('content-type', PROTOBUF).send(encodeExportResponse(result.rejected.length, message));
      const body = message ? { partialSuccess: { rejectedSpans: String(result.rejected.length), errorMessage: message } } : {};
      return reply.status(200).header('content-type', JSON_TYPE).send(body);
    } catch (error) {
      return sendError(reply, toAppError(error, logger, { url: request.url }), wantsProtobuf);
    }
  });

  app.route({
    method: ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'],
    url: '/v1/traces',
    handler: (request, reply) =>
      sendError(reply.header('allow', 'POST'), new AppError('method_not_allowed', `${request.method} is not allowed on /v1/traces; send traces with POST`), answersInProtobuf(request)),
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new AppError('not_found', `no route ${request.method} ${request.url.split('?')[0]} on the OTLP/HTTP port; send traces with POST /v1/traces`), answersInProtobuf(request)),
  );

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const wantsProtobuf = answersInProtobuf(request);
    if (error.statusCode === 413) {
      return sendError(reply, new AppError('payload_too_large', `request body exceeds ${limits.maxBodyBytes} bytes; send smaller batches`), wantsProtobuf);
    }
    if (error.statusCode && error.statusCode < 500) return sendError(reply, new AppError('invalid_argument', error.message), wantsProtobuf);
    return sendError(reply, toAppError(error, logger, { url: request.url }), wantsProtobuf);
  });
  return app;
}

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

async function decodeBody(request: FastifyRequest, limits: IngestLimits): Promise<DecodedBatch> {
  const type = mediaType(request);
  if (type !== PROTOBUF && type !== JSON_TYPE) {
    throw new AppError('unsupported_media_type', `content-type "${type || '(none)'}" is not supported; send ${PROTOBUF} or ${JSON_TYPE}`, 'content-type');
  }
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const body = await decompress(raw, String(request.headers['content-encoding'] ?? 'identity').toLowerCase(), limits.maxBodyBytes);
  if (type === PROTOBUF) return decodeProtobufRequest(body);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new MalformedPayloadError(`body is not valid JSON: ${(error as Error).message}`);
  }
  return decodeJsonRequest(json);
}

async function decompress(body: Buffer, encoding: string, maxBytes: number): Promise<Buffer> {
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip') throw new AppError('unsupported_media_type', `content-encoding "${encoding}" is not supported; send gzip or no encoding`, 'content-encoding');
  try {
    return await gunzip(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError('payload_too_large', `decompressed request body exceeds ${maxBytes} bytes; send smaller batches`);
    }
    throw new AppError('invalid_argument', `body is not valid gzip: ${(error as Error).message}`, 'content-encoding');
  }
}

/** Returns true for protobuf requests, which get protobuf responses; any other content type gets the readable JSON error body. */
function answersInProtobuf(request: FastifyRequest): boolean {
  return mediaType(request) === PROTOBUF;
}

function sendError(reply: FastifyReply, error: AppError, protobuf: boolean): FastifyReply {
  const status = httpStatusOf(error);
  if (error.code === 'unavailable') void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  if (protobuf) {
    const body = RpcStatus.encode(RpcStatus.create({ code: GRPC_STATUS[error.code], message: error.message })).finish();
    return reply.status(status).header('content-type', PROTOBUF).send(Buffer.from(body));
  }
  return reply.status(status).header('content-type', JSON_TYPE).send({ code: error.code, message: error.message, field: error.field, retryable: error.retryable });
}
