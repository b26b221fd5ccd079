import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppError, callerError, ErrorBody, HTTP_STATUS } from './app-error';

const STATUS_CODES: Record<number, string> = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Adds what to do to the framework's bare messages. */
function withHint(status: number, message: string, bodyLimit?: number): string {
  if (status === 415) return `${message}; send the body as JSON with content-type: application/json`;
  if (status === 413 && bodyLimit !== undefined) return `${message}; the limit is ${bodyLimit} bytes, so send less data in one request`;
  // Fastify gives this one message for a syntax error and for a key that could rewrite object prototypes.
  if (status === 400 && message.startsWith('Body is not valid JSON')) return `${message}. Check the JSON syntax; keys named __proto__, and constructor keys containing a prototype key, are rejected too`;
  return message;
}

/** Maps every exception to the shared error body; unexpected ones are logged with the request id. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  /** `bodyLimit` is the HTTP server's body limit in bytes, named in its 413 message. */
  constructor(
    private readonly logger: Logger,
    private readonly bodyLimit?: number,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const [status, body] = this.toBody(exception, request);
    void reply.status(status).header('content-type', 'application/json').send(body);
  }

  private toBody(thrown: unknown, request: FastifyRequest): [number, ErrorBody] {
    const exception = callerError(thrown);
    if (exception instanceof AppError) {
      return [HTTP_STATUS[exception.code], { code: exception.code, message: exception.message, field: exception.field, retryable: exception.retryable }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse() as { message?: unknown; details?: ErrorBody['details'] };
      const message = withHint(status, Array.isArray(response.message) ? response.message.join('; ') : String(response.message ?? exception.message), this.bodyLimit);
      const details = response.details;
      return [status, { code: STATUS_CODES[status] ?? 'error', message, field: details?.[0]?.field, details, retryable: status === 503 || status === 429 }];
    }
    const statusCode = (exception as { statusCode?: number }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      // Fastify's own errors, such as a body over the size limit or malformed JSON.
      return [statusCode, { code: STATUS_CODES[statusCode] ?? 'invalid_request', message: withHint(statusCode, (exception as Error).message, this.bodyLimit), retryable: false }];
    }
    this.logger.error({ err: exception, requestId: request.id, url: request.url }, 'unhandled error');
    // Retrying the same request would most likely hit the same fault, so `retryable` is false.
    return [500, { code: 'internal', message: `internal error; report request id ${request.id}, which the service log records with the cause`, retryable: false }];
  }
}
