import { DecimalString } from './figures';

/** Token counts by class; the classes are disjoint, as in the span contract, so they add up to the tokens billed. */
export interface TokensByClass {
  /** Input tokens read neither from nor into a prompt cache. */
  input: number;
  output: number;
  cachedInput: number;
  cacheCreation: number;
  reasoning: number;
  /** Audio input and output tokens together. */
  audio: number;
}

export const TOKEN_CLASSES = ['input', 'output', 'cachedInput', 'cacheCreation', 'reasoning', 'audio'] as const satisfies ReadonlyArray<keyof TokensByClass>;

/** What the tenant's estate did in a report period, counted over every fact in it rather than per workflow. */
export interface ActivitySummary {
  /** Traces whose first span started in the period. */
  traces: number;
  /** Spans that started in the period. */
  spans: number;
  /** Over model and embedding calls, the spans the cost ledger prices. */
  tokens: TokensByClass;
  /** Priced cost in micro-USD (integer, as a decimal string so no float rounds it). */
  costMicros: string;
  cost: DecimalString;
  decisions: { allow: number; deny: number; requireApproval: number };
  /** Requested counts approvals requested in the period; the other states count approvals that reached them in it. */
  approvals: { requested: number; granted: number; denied: number; expired: number };
  /** Exception windows whose start falls in the period. */
  exceptionWindowsOpened: number;
}

/** Renders one line per activity figure, for the Markdown and HTML exports. */
export function activityLines(a: ActivitySummary): Array<[string, string]> {
  const t = a.tokens;
  return [
    ['Traces', String(a.traces)],
    ['Spans', String(a.spans)],
    ['Tokens by class', `input ${t.input}, output ${t.output}, cached input ${t.cachedInput}, cache creation ${t.cacheCreation}, reasoning ${t.reasoning}, audio ${t.audio}`],
    ['Cost', `${a.cost} USD (${a.costMicros} micro-USD)`],
    ['Decisions', `${a.decisions.allow} allow, ${a.decisions.deny} deny, ${a.decisions.requireApproval} require approval`],
    ['Approvals', `${a.approvals.requested} requested, ${a.approvals.granted} granted, ${a.approvals.denied} denied, ${a.approvals.expired} expired`],
    ['Exception windows opened', String(a.exceptionWindowsOpened)],
  ];
}
