import { assertEventFits, ContractError, EventEnvelope } from '@estate/contracts';
import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * A failure with a stable code. Each edge maps codes to its own status
 * (HTTP here, gRPC and the dead-letter topic elsewhere); `retryable` tells
 * the caller whether the same request may succeed later.
 */
export type AppErrorCode =
  | 'invalid_argument'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'version_conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'method_not_allowed'
  | 'unavailable'
  | 'internal';

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  invalid_argument: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  version_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  unavailable: 503,
  internal: 500,
};

/**
 * The gRPC status of each code. `conflict` is raised when the target's state
 * forbids the request (an approval already decided, a bundle already active,
 * a reservation already settled, a retired asset), which gRPC calls
 * FAILED_PRECONDITION; `version_conflict` means another writer committed
 * first, so ABORTED asks the client to re-read and retry.
 * TODO: a create with a taken id (inventory's register) is also `conflict`;
 * it needs a code of its own before gRPC clients can see ALREADY_EXISTS.
 */
export const GRPC_STATUS: Record<AppErrorCode, GrpcStatus> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  forbidden: GrpcStatus.PERMISSION_DENIED,
  not_found: GrpcStatus.NOT_FOUND,
  conflict: GrpcStatus.FAILED_PRECONDITION,
  version_conflict: GrpcStatus.ABORTED,
  payload_too_large: GrpcStatus.RESOURCE_EXHAUSTED,
  unsupported_media_type: GrpcStatus.INVALID_ARGUMENT,
  method_not_allowed: GrpcStatus.UNIMPLEMENTED,
  unavailable: GrpcStatus.UNAVAILABLE,
  internal: GrpcStatus.INTERNAL,
};

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly field?: string,
    readonly retryable = code === 'unavailable' || code === 'version_conflict',
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * Turns a contract failure the caller can act on into an AppError: an event
 * too large for Kafka becomes a 413. Anything else is returned unchanged.
 */
export function callerError(error: unknown): unknown {
  if (error instanceof ContractError && error.code === 'event_too_large') return new AppError('payload_too_large', error.message);
  return error;
}

/**
 * Checks, before a command appends anything, that each event fits in one
 * Kafka record, so an oversized request gets 413 instead of an outbox row
 * that can never be published. `json` is the envelopes' JSON when the
 * caller already built it.
 */
export function requireEventsFit(envelopes: readonly EventEnvelope[], json?: readonly string[]): void {
  envelopes.forEach((envelope, i) => {
    try {
      assertEventFits(envelope, json?.[i]);
    } catch (error) {
      throw callerError(error);
    }
  });
}

/** The JSON body of every error response. */
export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  details?: Array<{ field: string; message: string }>;
  retryable: boolean;
}
