import { status as GrpcStatus } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { validatePlain } from '@estate/contracts';
import { COST_DIMENSIONS, CostDimension, DimensionValues } from '@estate/pricing';
import { AppError, AppErrorCode } from '@estate/service-kit';
import { DIMENSION_COLUMN } from '../api/dimensions';

/** `estate.cost.v1.Dimensions` as proto-loader delivers it with keepCase. */
export interface DimensionsMessage {
  workflow?: string;
  product?: string;
  environment?: string;
  team?: string;
  agent?: string;
  model_route?: string;
  provider?: string;
  model?: string;
  policy_class?: string;
}

/** The message's field names are the rollup column names. */
const FIELD_OF = DIMENSION_COLUMN as Record<CostDimension, keyof DimensionsMessage>;

/** Converts a Dimensions message to REST's camel-case shape; an empty string means the dimension is not named. */
export function dimensionsFromMessage(message: DimensionsMessage | undefined): DimensionValues {
  const values: DimensionValues = {};
  for (const dimension of COST_DIMENSIONS) {
    const value = message?.[FIELD_OF[dimension]];
    if (value) values[dimension] = value;
  }
  return values;
}

export function dimensionsToMessage(values: DimensionValues): DimensionsMessage {
  const message: DimensionsMessage = {};
  for (const dimension of COST_DIMENSIONS) {
    const value = values[dimension];
    if (value !== undefined) message[FIELD_OF[dimension]] = value;
  }
  return message;
}

/** gRPC status for every AppError code; a full record, so a new code cannot go unmapped. */
const GRPC_STATUS: Record<AppErrorCode, GrpcStatus> = {
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

/** Turns an AppError into the gRPC status Nest sends; any other error stays INTERNAL. */
export function toRpcError(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  const message = error.field ? `${error.field}: ${error.message}` : error.message;
  return new RpcException({ code: GRPC_STATUS[error.code], message });
}

/** Validates a request built from a gRPC message with the REST class-validator rules of `cls`. */
export function validated<T extends object>(cls: new () => T, plain: object, what: string): T {
  const checked = validatePlain(cls, JSON.parse(JSON.stringify(plain)));
  if (checked.value) return checked.value;
  const issues = checked.issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  throw new AppError('invalid_argument', `${what} is invalid: ${issues}`, checked.issues[0]?.field);
}

/** Proto3 strings cannot be absent: the empty string stands for "not set". */
export const optional = (value: string | undefined): string | undefined => (value ? value : undefined);
