import { HttpException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { Principal } from '@estate/access';
import type { Role } from '@estate/contracts';
import { ApiKeyStore } from '@estate/access';
import { AppError, AppErrorCode, authenticateHeader, checkRole } from '@estate/service-kit';
import type { Logger } from 'pino';

/** The gRPC status of each AppError code; typed as a full record so a new code fails to compile until mapped. */
export const GRPC_STATUS: Record<AppErrorCode, GrpcStatus> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  forbidden: GrpcStatus.PERMISSION_DENIED,
  not_found: GrpcStatus.NOT_FOUND,
  // A decided approval or an already active bundle: the state, not the request, is wrong.
  conflict: GrpcStatus.FAILED_PRECONDITION,
  // Another writer committed first; the same request may succeed on retry.
  version_conflict: GrpcStatus.ABORTED,
  payload_too_large: GrpcStatus.RESOURCE_EXHAUSTED,
  unsupported_media_type: GrpcStatus.INVALID_ARGUMENT,
  unavailable: GrpcStatus.UNAVAILABLE,
  internal: GrpcStatus.INTERNAL,
};

const HTTP_TO_GRPC: Record<number, GrpcStatus> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  404: GrpcStatus.NOT_FOUND,
  409: GrpcStatus.FAILED_PRECONDITION,
  413: GrpcStatus.RESOURCE_EXHAUSTED,
  429: GrpcStatus.RESOURCE_EXHAUSTED,
  503: GrpcStatus.UNAVAILABLE,
};

/**
 * Converts any failure of a gRPC handler to an RpcException with a gRPC
 * status. An AppError keeps its message and field; an unexpected error is
 * logged and answered INTERNAL without its message, as the HTTP edge does.
 */
export function toRpcException(error: unknown, logger: Logger, method: string): RpcException {
  if (error instanceof RpcException) return error;
  if (error instanceof AppError) {
    const message = error.field ? `${error.message} (field ${error.field})` : error.message;
    return new RpcException({ code: GRPC_STATUS[error.code], message });
  }
  if (error instanceof HttpException) {
    return new RpcException({ code: HTTP_TO_GRPC[error.getStatus()] ?? GrpcStatus.UNKNOWN, message: error.message });
  }
  logger.error({ err: error, method }, 'gRPC call failed with an unexpected error');
  return new RpcException({ code: GrpcStatus.INTERNAL, message: 'internal error; the service log has the details' });
}

/**
 * Authenticates a gRPC call from its `authorization` metadata
 * ("Bearer <api key>") and checks the role, as the HTTP guard does for
 * headers; the guard cannot read gRPC metadata, so gRPC routes are public to it.
 */
export async function authenticateCall(keys: ApiKeyStore, metadata: Metadata, roles?: Role[]): Promise<Principal> {
  const principal = await authenticateHeader(keys, metadata.get('authorization')[0]?.toString());
  checkRole(principal, roles);
  return principal;
}
