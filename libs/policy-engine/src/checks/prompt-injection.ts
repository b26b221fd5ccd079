import { Finding, scan } from './findings';

/**
 * Phrasings seen in published prompt-injection attacks. Matching is on
 * lower-cased text; this is a cheap first line that a model-based
 * classifier would complement, not replace.
 */
const INJECTION_PATTERNS: Array<[kind: string, pattern: RegExp]> = [
  ['override_instructions', /\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|all|your|system)\b[^.\n]{0,20}\b(?:instructions?|prompts?|rules|directions|guidelines)\b/g],
  ['role_reassignment', /\byou are (?:now|no longer)\b|\bfrom now on,? you (?:are|will)\b|\bact as (?:an? )?(?:unrestricted|jailbroken|dan)\b/g],
  ['jailbreak', /\bdo anything now\b|\bdeveloper mode\b|\bjailbreak\b/g],
  ['prompt_exfiltration', /\b(?:reveal|print|repeat|show|output)\b[^.\n]{0,30}\b(?:system prompt|hidden instructions|initial instructions)\b/g],
  ['role_markup', /<\|im_start\|>|<\|system\|>|\[inst\]|<<sys>>|^\s*(?:system|assistant)\s*:/gm],
];

/** Retrieved content that addresses the model directly is an instruction hidden in data. */
const HIDDEN_INSTRUCTION_PATTERNS: Array<[kind: string, pattern: RegExp]> = [
  ['hidden_instruction', /\b(?:ai|assistant|language model|llm|chatbot)\b[^.\n]{0,20}\b(?:must|should|shall|need to|are instructed to)\b/g],
  ['hidden_instruction', /<!--[\s\S]{0,500}?(?:instruction|ignore|assistant|system)[\s\S]{0,500}?-->/g],
  ['hidden_instruction', /\b(?:when you read this|if you are an ai)\b/g],
];

const RETRIEVED_CONTENT_PATTERNS = [...INJECTION_PATTERNS, ...HIDDEN_INSTRUCTION_PATTERNS];

// Zero-width and bidirectional control characters hide text from people but not from models.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/;

export interface InjectionInput {
  prompt?: string;
  retrievedContent?: readonly string[];
}

export interface InjectionFinding extends Finding {
  source: 'prompt' | `retrievedContent[${number}]`;
}

/** Finds injection patterns in the prompt, and both injection and hidden instructions in retrieved content. */
export function findPromptInjection(input: InjectionInput): InjectionFinding[] {
  const findings: InjectionFinding[] = [];
  if (input.prompt) {
    findings.push(...scanAll(input.prompt, INJECTION_PATTERNS).map((f) => ({ ...f, source: 'prompt' as const })));
  }
  (input.retrievedContent ?? []).forEach((content, index) => {
    const source = `retrievedContent[${index}]` as const;
    findings.push(...scanAll(content, RETRIEVED_CONTENT_PATTERNS).map((f) => ({ ...f, source })));
    if (INVISIBLE.test(content)) findings.push({ kind: 'invisible_characters', start: 0, end: 0, source });
  });
  return findings;
}

function scanAll(text: string, patterns: Array<[string, RegExp]>): Finding[] {
  const lower = text.toLowerCase();
  return patterns.flatMap(([kind, pattern]) => scan(lower, kind, pattern));
}
