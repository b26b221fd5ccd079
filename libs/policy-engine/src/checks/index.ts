import { BudgetState, resolveBudgetState } from './budget';
import { checkEnvironment } from './environment';
import { Finding, maskFindings } from './findings';
import { validateOutput } from './output';
import { findPii } from './pii';
import { findPromptInjection } from './prompt-injection';
import { findSecrets } from './secrets';
import { checkToolBinding } from './tool-binding';

export * from './budget';
export * from './environment';
export * from './findings';
export * from './output';
export * from './pii';
export * from './prompt-injection';
export * from './secrets';
export * from './tool-binding';

/** What runtime checks read: the request's text and what the inventory records about principal and resource. */
export interface RuntimeCheckInput {
  action: string;
  /** The tool name when the action invokes a tool. */
  toolName?: string;
  environment: string;
  prompt?: string;
  output?: string;
  retrievedContent?: readonly string[];
  budgetState?: string;
  cachedBudgetState?: BudgetState;
  agentToolScope?: readonly string[];
  pinnedDefinitionHash?: string;
  observedDefinitionHash?: string;
  definitionDrifted?: boolean;
  principalEnvironment?: string;
  resourceEnvironment?: string;
  /** True when the resource is an output channel that reaches customers. */
  customerFacingChannel: boolean;
  maxOutputLength: number;
}

/** A runtime check that decides on its own, whatever the policies say. */
export interface CheckVerdict {
  checkId: string;
  reason: string;
}

/** The context attributes the checks add, under the names the Cedar schema declares. */
export interface CheckContext {
  budgetState: BudgetState;
  toolInScope: boolean;
  toolDefinitionPinned: boolean;
  promptInjection: boolean;
  piiKinds: string[];
  secretKinds: string[];
  outputValid: boolean;
}

export interface CheckResult {
  context: CheckContext;
  verdicts: CheckVerdict[];
  notes: string[];
  /** Findings per text field, kept to mask the recorded context. */
  findings: { prompt: Finding[]; output: Finding[]; retrievedContent: Finding[][] };
}

/** Runs every runtime check once; the cost is a handful of regular expressions per text field. */
export function runRuntimeChecks(input: RuntimeCheckInput): CheckResult {
  const prompt = input.prompt ?? '';
  const output = input.output ?? '';
  const promptPii = findPii(prompt);
  const promptSecrets = findSecrets(prompt);
  const outputPii = findPii(output);
  const outputSecrets = findSecrets(output);
  const injection = findPromptInjection({ prompt: input.prompt, retrievedContent: input.retrievedContent });
  const outputEcho = findPromptInjection({ prompt: input.output });

  const verdicts: CheckVerdict[] = [];
  const notes: string[] = [];
  const binding = input.toolName
    ? checkToolBinding({
        toolName: input.toolName,
        agentToolScope: input.agentToolScope,
        pinnedDefinitionHash: input.pinnedDefinitionHash,
        observedDefinitionHash: input.observedDefinitionHash,
        definitionDrifted: input.definitionDrifted,
      })
    : { inScope: true, pinned: true, drifted: false };
  if (binding.drifted) {
    const reason = input.definitionDrifted
      ? `tool ${input.toolName} drifted from its pinned definition and has not been re-pinned`
      : `tool ${input.toolName} definition hash differs from the pinned one`;
    verdicts.push({ checkId: 'check:tool-binding', reason });
  }
  const crossing = checkEnvironment(input);
  if (crossing) verdicts.push({ checkId: 'check:environment', reason: crossing });
  if (input.action === 'send_output' && outputSecrets.length > 0) {
    verdicts.push({ checkId: 'check:secret-in-output', reason: `output contains ${kinds(outputSecrets).join(', ')}` });
  }

  let outputValid = true;
  if (input.action === 'send_output' && input.customerFacingChannel) {
    const problems = validateOutput({ output: input.output, maxLength: input.maxOutputLength, secrets: outputSecrets, injection: outputEcho });
    outputValid = problems.length === 0;
    notes.push(...problems);
  }
  if (injection.length > 0) notes.push(`prompt injection: ${[...new Set(injection.map((f) => `${f.kind} in ${f.source}`))].join(', ')}`);

  const retrievedFindings = (input.retrievedContent ?? []).map((text) => [...findPii(text), ...findSecrets(text)]);
  return {
    context: {
      budgetState: resolveBudgetState(input.budgetState, input.cachedBudgetState),
      toolInScope: binding.inScope,
      toolDefinitionPinned: binding.pinned,
      promptInjection: injection.length > 0,
      piiKinds: kinds([...promptPii, ...outputPii, ...retrievedFindings.flat().filter((f) => !isSecretKind(f.kind))]),
      secretKinds: kinds([...promptSecrets, ...outputSecrets]),
      outputValid,
    },
    verdicts,
    notes,
    findings: {
      prompt: [...promptPii, ...promptSecrets],
      output: [...outputPii, ...outputSecrets],
      retrievedContent: retrievedFindings,
    },
  };
}

const PII_KINDS = new Set(['email', 'phone', 'card_number', 'iban', 'national_id']);
const isSecretKind = (kind: string) => !PII_KINDS.has(kind);

function kinds(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((f) => f.kind))].sort();
}

/** Masks text for the decision record: findings replaced, and cut to `maxLength` characters. */
export function maskText(text: string, findings: readonly Finding[], maxLength: number): string {
  const masked = maskFindings(text, findings);
  return masked.length > maxLength ? `${masked.slice(0, maxLength)}…[truncated ${masked.length - maxLength}]` : masked;
}
