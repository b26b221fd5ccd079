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
  unavailable: 503,
  internal: 500,
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

/** The JSON body of every error response. */
export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  details?: Array<{ field: string; message: string }>;
  retryable: boolean;
}
