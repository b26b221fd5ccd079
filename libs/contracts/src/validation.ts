import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { ClassConstructor } from 'class-transformer';
import { FieldIssue } from './errors';

/** Flattens nested class-validator errors into dotted field paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      issues.push({ field, message });
    }
    if (error.children?.length) {
      issues.push(...flattenValidationErrors(error.children, field));
    }
  }
  return issues;
}

/** Converts a plain object into `cls` and validates it, returning the instance or every issue found. */
export function validatePlain<T extends object>(
  cls: ClassConstructor<T>,
  plain: unknown,
): { value: T; issues: [] } | { value?: undefined; issues: FieldIssue[] } {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { issues: [{ field: '', message: 'must be a JSON object' }] };
  }
  const value = plainToInstance(cls, plain);
  const errors = validateSync(value, { forbidUnknownValues: true, whitelist: false });
  if (errors.length > 0) return { issues: flattenValidationErrors(errors) };
  return { value, issues: [] };
}
