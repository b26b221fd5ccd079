import { Finding, scan } from './findings';

/** Token formats with a recognisable prefix or structure; a generic high-entropy guess would flag too much. */
const SECRET_PATTERNS: Array<[kind: string, pattern: RegExp]> = [
  ['aws_access_key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g],
  ['github_token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g],
  ['anthropic_api_key', /\bsk-ant-[A-Za-z0-9_-]{20,}/g],
  ['openai_api_key', /\bsk-(?:proj-|svcacct-)?(?!ant-)[A-Za-z0-9_-]{20,}/g],
  ['slack_token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/g],
  ['google_api_key', /\bAIza[0-9A-Za-z_-]{35}\b/g],
  ['stripe_secret_key', /\b(?:sk|rk)_live_[A-Za-z0-9]{16,}\b/g],
  ['jwt', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g],
  ['private_key', /-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----/g],
  ['estate_api_key', /\best_[A-Za-z0-9]{20,}\b/g],
];

/** Finds API keys, tokens and private key blocks in text. */
export function findSecrets(text: string): Finding[] {
  if (text.length === 0) return [];
  return SECRET_PATTERNS.flatMap(([kind, pattern]) => scan(text, kind, pattern));
}
