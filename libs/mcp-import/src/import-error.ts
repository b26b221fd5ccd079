/** One problem in an imported document, at a JSON pointer into it. */
export interface ImportIssue {
  path: string;
  message: string;
}

/** An imported document that cannot be used as it is; nothing of it is applied. */
export class ImportRejected extends Error {
  constructor(
    message: string,
    readonly issues: ImportIssue[] = [],
  ) {
    super(message);
    this.name = 'ImportRejected';
  }
}

/** Release templates such as `${VERSION}` or `{{VERSION}}` that a publishing pipeline fills in. */
const TEMPLATE = /\$\{[^}]+\}|\{\{[^}]+\}\}/;

export function hasUnresolvedTemplate(value: unknown): boolean {
  return typeof value === 'string' && TEMPLATE.test(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
