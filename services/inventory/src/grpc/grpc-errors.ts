import { status as GrpcStatus } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { validatePlain } from '@estate/contracts';
import { AppError, AppErrorCode } from '@estate/service-kit';

/** gRPC status for every AppError code; typed as a full record so a new code cannot go unmapped. */
export const GRPC_STATUS: Record<AppErrorCode, GrpcStatus> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  forbidden: GrpcStatus.PERMISSION_DENIED,
  not_found: GrpcStatus.NOT_FOUND,
  conflict: GrpcStatus.ALREADY_EXISTS,
  version_conflict: GrpcStatus.ABORTED,
  payload_too_large: GrpcStatus.RESOURCE_EXHAUSTED,
  unsupported_media_type: GrpcStatus.INVALID_ARGUMENT,
  unavailable: GrpcStatus.UNAVAILABLE,
  internal: GrpcStatus.INTERNAL,
};

/** Turns an AppError into the RPC error Nest sends as a gRPC status; any other error is left for Nest to report as INTERNAL. */
export function toRpcError(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  const message = error.field ? `${error.field}: ${error.message}` : error.message;
  return new RpcException({ code: GRPC_STATUS[error.code], message });
}

/** Validates a request built from a gRPC message with the same class-validator rules as the REST body. */
export function validated<T extends object>(cls: new () => T, plain: object, what: string): T {
  const checked = validatePlain(cls, JSON.parse(JSON.stringify(plain)));
  if (checked.value) return checked.value;
  const issues = checked.issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  throw new AppError('invalid_argument', `${what} is invalid: ${issues}`, checked.issues[0]?.field);
}

/** Parses a `*_json` field that must hold a JSON object; empty means absent. */
export function jsonObject(raw: string | undefined, field: string): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new AppError('invalid_argument', `${field} is not valid JSON: ${(error as Error).message}`, field);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AppError('invalid_argument', `${field} must be a JSON object, such as {"sideEffect": true}`, field);
  }
  return parsed as Record<string, unknown>;
}
