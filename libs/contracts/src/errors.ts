/** Stable codes for contract failures; the dead-letter topic and HTTP edges map them. */
export type ContractErrorCode =
  | 'malformed_json'
  | 'invalid_envelope'
  | 'unknown_event_type'
  | 'unsupported_schema_version'
  | 'invalid_payload'
  | 'wrong_topic'
  | 'event_too_large';

export interface FieldIssue {
  field: string;
  message: string;
}

export class ContractError extends Error {
  readonly retryable = false;

  constructor(
    readonly code: ContractErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ContractError';
  }
}
