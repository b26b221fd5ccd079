import { HttpException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { ApiKeyStore, Principal } from '@estate/access';
import type { Role } from '@estate/contracts';
import type { Logger } from 'pino';
import { AppError, callerError, GRPC_STATUS } from './app-error';
import { authenticateHeader, checkRole } from './auth';

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
 * Converts any failure of a gRPC handler to an RpcException carrying a gRPC
 * status. An AppError keeps its message, prefixed with the field it names
 * ("amount: ..."). An unexpected error is
 * logged with the method name and returned as INTERNAL without its message, as
 * the HTTP edge does, so internals never reach the client.
 */
export function toRpcException(thrown: unknown, logger: Logger, method: string): RpcException {
  const error = callerError(thrown);
  if (error instanceof RpcException) return error;
  if (error instanceof AppError) {
    const message = error.field ? `${error.field}: ${error.message}` : error.message;
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
 * ("Bearer <api key>") and checks the role as the HTTP guard does; undefined
 * roles admit every role except ingest. The guard cannot read gRPC metadata,
 * so gRPC routes are public to it and call this instead.
 */
export async function authenticateCall(keys: ApiKeyStore, metadata: Metadata, roles?: Role[]): Promise<Principal> {
  const principal = await authenticateHeader(keys, metadata.get('authorization')[0]?.toString());
  checkRole(principal, roles);
  return principal;
}
