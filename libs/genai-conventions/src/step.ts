import { SPAN_STEPS, SpanStep } from '@estate/contracts';
import { AttributeReader } from './attributes';
import type { SpanInput } from './span-input';

const SERVER_KIND = 2;

const OPENINFERENCE_KINDS: Record<string, SpanStep> = {
  LLM: 'llm_call',
  EMBEDDING: 'embedding',
  RETRIEVER: 'retrieval',
  RERANKER: 'retrieval',
  TOOL: 'tool_call',
  AGENT: 'agent_invocation',
  GUARDRAIL: 'policy_decision',
};

/** `gen_ai.operation.name` values across GenAI semantic-convention versions. */
const GENAI_OPERATIONS: Record<string, SpanStep> = {
  chat: 'llm_call',
  text_completion: 'llm_call',
  completion: 'llm_call',
  generate_content: 'llm_call',
  embeddings: 'embedding',
  embedding: 'embedding',
  execute_tool: 'tool_call',
  invoke_agent: 'agent_invocation',
  create_agent: 'agent_invocation',
  retrieval: 'retrieval',
};

/** OpenLLMetry (`traceloop.span.kind`) and LangSmith (`langsmith.span.kind`) kinds. */
const FRAMEWORK_KINDS: Record<string, SpanStep> = {
  llm: 'llm_call',
  embedding: 'embedding',
  tool: 'tool_call',
  agent: 'agent_invocation',
  retriever: 'retrieval',
};

/** OpenLLMetry `llm.request.type`. */
const LLM_REQUEST_TYPES: Record<string, SpanStep> = {
  chat: 'llm_call',
  completion: 'llm_call',
  embedding: 'embedding',
  rerank: 'retrieval',
};

/**
 * Names the step of the execution path a span stands for. An explicit
 * `estate.step` wins; then the conventions from the most specific to the
 * least; a root server span is the request; everything else is `other`.
 */
export function classifyStep(span: SpanInput, attributes: AttributeReader): SpanStep {
  const explicit = attributes.spanText('estate.step');
  if (explicit && (SPAN_STEPS as readonly string[]).includes(explicit)) return explicit as SpanStep;

  const fromConvention = stepFromConventions(attributes);
  if (fromConvention) return fromConvention;

  if (attributes.spanText('estate.policy.decision_id', 'estate.policy.outcome')) return 'policy_decision';
  if (attributes.spanText('estate.approval.id')) return 'approval_checkpoint';
  if (!span.parentSpanId && span.kind === SERVER_KIND) return 'request';
  return 'other';
}

function stepFromConventions(attributes: AttributeReader): SpanStep | undefined {
  const openInference = attributes.spanText('openinference.span.kind');
  if (openInference && OPENINFERENCE_KINDS[openInference.toUpperCase()]) return OPENINFERENCE_KINDS[openInference.toUpperCase()];

  const operation = attributes.spanText('gen_ai.operation.name');
  if (operation && GENAI_OPERATIONS[operation]) return GENAI_OPERATIONS[operation];

  const framework = attributes.spanText('traceloop.span.kind', 'langsmith.span.kind');
  if (framework && FRAMEWORK_KINDS[framework.toLowerCase()]) return FRAMEWORK_KINDS[framework.toLowerCase()];

  const requestType = attributes.spanText('llm.request.type');
  if (requestType && LLM_REQUEST_TYPES[requestType]) return LLM_REQUEST_TYPES[requestType];

  return stepFromVercelOperation(attributes.spanText('ai.operationId'));
}

/**
 * The Vercel AI SDK wraps each provider call (`ai.generateText.doGenerate`)
 * in an outer span (`ai.generateText`) that repeats its usage; only the inner
 * one is the model call.
 */
function stepFromVercelOperation(operationId: string | undefined): SpanStep | undefined {
  if (!operationId) return undefined;
  if (/\.do(Generate|Stream)$/.test(operationId)) return 'llm_call';
  if (/\.doEmbed$/.test(operationId)) return 'embedding';
  if (operationId === 'ai.toolCall') return 'tool_call';
  return undefined;
}
