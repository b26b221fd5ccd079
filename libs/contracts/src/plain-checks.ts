/** Type guards for the hand-written contract checks, matching class-validator's rules for the same decorators. */
export type Plain = Record<string, unknown>;

/** Returns true for a non-null, non-array object, as `@IsObject()` accepts. */
export const isPlainObject = (value: unknown): value is Plain => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Returns true for a non-empty string of at most `maxLength` UTF-16 units (`@IsString() @IsNotEmpty()`). */
export const nonEmpty = (value: unknown, maxLength = Infinity): boolean => typeof value === 'string' && value !== '' && value.length <= maxLength;

/** Returns true for an absent value or a string (`@IsOptional() @IsString()`). */
export const absentOrString = (value: unknown): boolean => value === undefined || value === null || typeof value === 'string';

/** Options for every date check: the strict form rejects days a month does not have, which Date would roll over. */
export const STRICT_DATE = { strict: true } as const;
