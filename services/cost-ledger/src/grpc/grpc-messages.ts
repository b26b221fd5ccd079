import { validatePlain } from '@estate/contracts';
import { COST_DIMENSIONS, CostDimension, DimensionValues } from '@estate/pricing';
import { AppError } from '@estate/service-kit';
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

/** Validates a request built from a gRPC message with the REST class-validator rules of `cls`. */
export function validated<T extends object>(cls: new () => T, plain: object, what: string): T {
  const checked = validatePlain(cls, JSON.parse(JSON.stringify(plain)));
  if (checked.value) return checked.value;
  const issues = checked.issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  throw new AppError('invalid_argument', `${what} is invalid: ${issues}`, checked.issues[0]?.field);
}

/** Proto3 strings cannot be absent: the empty string stands for "not set". */
export const optional = (value: string | undefined): string | undefined => (value ? value : undefined);
