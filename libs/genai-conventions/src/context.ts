import type { SpanContext, SpanStep } from '@estate/contracts';
import { AttributeReader } from './attributes';

/**
 * Provider names renamed by the GenAI semantic conventions (the deprecated
 * `gen_ai.system` values), mapped to their `gen_ai.provider.name` spelling so
 * one provider has one name in the record.
 */
const RENAMED_PROVIDERS: Record<string, string> = {
  vertex_ai: 'gcp.vertex_ai',
  gemini: 'gcp.gemini',
  'az.ai.openai': 'azure.ai.openai',
  'az.ai.inference': 'azure.ai.inference',
  aws_bedrock: 'aws.bedrock',
};

/** Steps that call a model; a provider named on any other span is the framework, not a model vendor. */
const MODEL_STEPS = new Set<SpanStep>(['llm_call', 'embedding']);

/** Claude tool names address MCP tools as `mcp__<server>__<tool>`. */
const MCP_TOOL_NAME = /^mcp__([^_].*?)__(.+)$/;

/**
 * Extracts the context that changes a span's meaning. `estate.*` attributes
 * (documented in the trace-ingest README) come first, then the conventions'
 * own names; each is read on the span first and then on its resource.
 */
export function extractContext(attributes: AttributeReader, step: SpanStep, spanName: string): SpanContext {
  const context: SpanContext = {};
  const set = (key: keyof SpanContext, value: string | undefined) => {
    if (value !== undefined) context[key] = value;
  };

  set('service', attributes.text('service.name'));
  set('environment', attributes.text('estate.environment', 'deployment.environment.name', 'deployment.environment'));
  set('workflow', attributes.text('estate.workflow', 'gen_ai.workflow.name', 'traceloop.workflow.name', 'ai.telemetry.functionId', 'langfuse.trace.name'));
  set('product', attributes.text('estate.product'));
  set('team', attributes.text('estate.team'));
  set('agent', extractAgent(attributes, step, spanName));

  const tool = extractTool(attributes, step);
  const mcp = tool ? MCP_TOOL_NAME.exec(tool) : null;
  set('tool', mcp ? mcp[2] : tool);
  set('mcpServer', attributes.text('estate.mcp_server', 'mcp.server.name') ?? mcp?.[1]);
  set('toolCallId', attributes.spanText('gen_ai.tool.call.id', 'tool_call.id', 'ai.toolCall.id'));

  const served = attributes.spanText('gen_ai.response.model', 'llm.response.model', 'ai.response.model', 'llm.model_name');
  set('modelRequested', attributes.spanText('gen_ai.request.model', 'llm.request.model', 'ai.model.id', 'llm.model_name') ?? served);
  set('modelServed', served);
  set('modelRoute', attributes.text('estate.model_route'));
  if (context.modelRequested || context.modelServed || MODEL_STEPS.has(step)) set('provider', extractProvider(attributes));
  set('operation', attributes.spanText('gen_ai.operation.name', 'llm.request.type', 'ai.operationId'));
  set('principal', attributes.text('estate.principal', 'enduser.id', 'user.id', 'gen_ai.user.id', 'langfuse.user.id'));
  set('policyClass', attributes.text('estate.policy_class'));
  set('toolScope', attributes.text('estate.tool_scope'));
  set('promptVersion', attributes.text('estate.prompt_version', 'gen_ai.prompt.version', 'langfuse.prompt.version'));
  set('sessionId', attributes.text('session.id', 'gen_ai.conversation.id', 'langfuse.session.id'));
  return context;
}

function extractAgent(attributes: AttributeReader, step: SpanStep, spanName: string): string | undefined {
  const named = attributes.text('estate.agent', 'gen_ai.agent.name', 'agent.name', 'gen_ai.agent.id');
  if (named) return named;
  if (step !== 'agent_invocation') return undefined;
  // OpenInference and OpenLLMetry agent spans often name the agent only in the span or entity name.
  return attributes.spanText('traceloop.entity.name', 'graph.node.id') ?? spanName;
}

function extractTool(attributes: AttributeReader, step: SpanStep): string | undefined {
  const named = attributes.spanText('gen_ai.tool.name', 'tool.name', 'ai.toolCall.name');
  if (named) return named;
  if (step !== 'tool_call') return undefined;
  return attributes.spanText('traceloop.entity.name', 'langsmith.trace.name');
}

function extractProvider(attributes: AttributeReader): string | undefined {
  const vercel = attributes.spanText('ai.model.provider');
  // The Vercel AI SDK names the provider and its API together (`openai.responses`).
  if (vercel) return vercel.split('.')[0];
  const name = attributes.spanText('gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system');
  return name ? (RENAMED_PROVIDERS[name] ?? name) : undefined;
}
