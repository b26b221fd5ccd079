import { ArgumentMetadata, BadRequestException, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { AppError } from './app-error';
import { bodyShapeProblem } from './body-shape';

/** class-validator checks of a value's type. When one fails, messages about the value's other rules (length, range) would mislead. */
const TYPE_CHECKS = ['isString', 'isInt', 'isNumber', 'isBoolean', 'isObject', 'isArray', 'isIso8601', 'isUuid'];

function ownMessages(error: ValidationError, field: string): string[] {
  const constraints = error.constraints ?? {};
  // An absent field breaks every rule on it, so one line names what to fix.
  if (error.value === undefined && error.constraints !== undefined) return [`${field} is required`];
  const typeFailures = TYPE_CHECKS.filter((check) => check in constraints).map((check) => constraints[check]);
  return typeFailures.length > 0 ? typeFailures : Object.values(constraints);
}

function flatten(errors: ValidationError[], prefix = ''): Array<{ field: string; message: string }> {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = ownMessages(error, field).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function describeBody(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'text (check that content-type is application/json)';
  return String(value);
}

/** Tells whether the DTO validates `property` as a list, the one case where a query parameter may repeat. */
function takesManyValues(metatype: Type<unknown>, property: string): boolean {
  const rules = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false);
  return rules.some((rule) => rule.propertyName === property && (rule.each === true || rule.name === 'isArray'));
}

/** Names a query parameter given more than once where the endpoint takes one value. */
function repeatedParameter(query: unknown, metatype: Type<unknown>): AppError | undefined {
  if (query === null || typeof query !== 'object') return undefined;
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value) && !takesManyValues(metatype, key)) {
      return new AppError('invalid_argument', `${key} is given ${value.length} times; give it once`, key);
    }
  }
  return undefined;
}

/**
 * Rejects bodies too deep to validate before class-transformer copies them.
 * Bodies bound to a DTO class are also rejected when they hold NUL
 * characters; untyped bodies (trace files) replace NUL where they are stored.
 */
class BodyCheckingValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'query' && metadata.metatype && metadata.metatype !== Object) {
      const repeated = repeatedParameter(value, metadata.metatype);
      if (repeated) throw repeated;
    }
    if (metadata.type === 'body') {
      const typed = metadata.metatype !== undefined && metadata.metatype !== Object && metadata.metatype !== String;
      // No body at all is validated as an empty object (Nest's own rule), so all-optional bodies may be left out.
      if (typed && value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
        throw new AppError('invalid_argument', `the request body must be a JSON object, got ${describeBody(value)}`, 'body');
      }
      const problem = bodyShapeProblem(value, { allowNul: !typed });
      if (problem) throw new AppError('invalid_argument', problem.message, problem.field);
    }
    return super.transform(value, metadata);
  }
}

/** class-validator pipe whose 400 names every invalid field. */
export function createValidationPipe(): ValidationPipe {
  return new BodyCheckingValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new BadRequestException({
        message: details.map((d) => `${d.field}: ${d.message}`).join('; '),
        details,
      });
    },
  });
}
