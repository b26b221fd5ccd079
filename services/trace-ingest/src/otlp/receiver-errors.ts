import { status as GrpcStatus } from '@grpc/grpc-js';
import { AppError, HTTP_STATUS } from '@estate/service-kit';
import type { Logger } from 'pino';
import { MalformedPayloadError } from './decoded';

/** Seconds an OTLP client should wait before retrying after Kafka was unavailable. */
export const RETRY_AFTER_SECONDS = 5;

/** Maps anything a receiver throws to an AppError; unexpected errors are logged once here. */
export function toAppError(error: unknown, logger: Logger, context: Record<string, unknown>): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof MalformedPayloadError) return new AppError('invalid_argument', error.message, error.path);
  logger.error({ err: error, ...context }, 'otlp request failed unexpectedly');
  return new AppError('internal', 'internal error while storing spans; the request may be retried', undefined, true);
}

export function httpStatusOf(error: AppError): number {
  return HTTP_STATUS[error.code];
}

/**
 * gRPC status per error code, following the OTLP/gRPC retry rules: only
 * UNAVAILABLE asks the exporter to retry, and an oversized request is
 * INVALID_ARGUMENT because resending it unchanged cannot succeed.
 */
export const GRPC_STATUS: Record<AppError['code'], GrpcStatus> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  forbidden: GrpcStatus.PERMISSION_DENIED,
  not_found: GrpcStatus.NOT_FOUND,
  conflict: GrpcStatus.ALREADY_EXISTS,
  version_conflict: GrpcStatus.ABORTED,
  payload_too_large: GrpcStatus.INVALID_ARGUMENT,
  unsupported_media_type: GrpcStatus.INVALID_ARGUMENT,
  method_not_allowed: GrpcStatus.UNIMPLEMENTED,
  unavailable: GrpcStatus.UNAVAILABLE,
  internal: GrpcStatus.INTERNAL,
};

type SpanProblem = { path: string; reason: string };

/**
 * The partial-success message: how many spans were rejected and the first
 * reasons with their paths, then the warnings on spans that were kept.
 * OTLP's `rejected_spans` counts only the rejected ones.
 */
export function partialSuccessMessage(rejected: SpanProblem[], warnings: SpanProblem[] = []): string {
  const parts: string[] = [];
  if (rejected.length > 0) parts.push(`${rejected.length} span(s) rejected: ${listProblems(rejected)}`);
  if (warnings.length > 0) parts.push(`${warnings.length} warning(s) on accepted spans: ${listProblems(warnings)}`);
  return parts.join('. ');
}

function listProblems(problems: SpanProblem[]): string {
  const shown = problems.slice(0, 5).map((p) => `${p.path}: ${p.reason}`);
  const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`;
}
