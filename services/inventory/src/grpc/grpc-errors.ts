import { validatePlain } from '@estate/contracts';
import { AppError } from '@estate/service-kit';

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
