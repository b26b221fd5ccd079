import { Finding } from './findings';

export interface OutputValidationInput {
  output?: string;
  maxLength: number;
  secrets: readonly Finding[];
  injection: readonly Finding[];
}

/**
 * Problems with output bound for a customer-facing channel: missing or
 * oversized text, a secret, or an echoed injection or system prompt.
 * PII is not a problem here: it is redacted through an obligation instead.
 */
export function validateOutput(input: OutputValidationInput): string[] {
  const problems: string[] = [];
  if (input.output === undefined || input.output.trim() === '') problems.push('output is missing or empty');
  if (input.output && input.output.length > input.maxLength) {
    problems.push(`output is ${input.output.length} characters, over the ${input.maxLength} allowed`);
  }
  if (input.secrets.length > 0) problems.push(`output contains ${[...new Set(input.secrets.map((s) => s.kind))].join(', ')}`);
  if (input.injection.length > 0) problems.push('output echoes instructions or role markup');
  return problems;
}
