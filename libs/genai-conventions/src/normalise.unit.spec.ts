import type { Attributes, SpanInput } from './span-input';
import { normaliseSpan } from './normalise';

function span(attributes: Attributes, overrides: Partial<SpanInput> = {}): SpanInput {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: '00f067aa0ba902b7',
    name: 'span',
    kind: 1,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000001000000000',
    statusCode: 0,
    attributes,
    events: [],
    resource: {},
    ...overrides,
  };
}

describe('normaliseSpan', () => {
  it('reads current OTel GenAI usage without double counting cache and reasoning', () => {
    const result = normaliseSpan(span({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.usage.input_tokens': 5000,
      'gen_ai.usage.cache_read.input_tokens': 3000,
      'gen_ai.usage.cache_creation.input_tokens': 1500,
      'gen_ai.usage.output_tokens': 400,
      'gen_ai.usage.reasoning.output_tokens': 150,
    }));
    expect(result.step).toBe('llm_call');
    expect(result.usage).toEqual({ input: 500, cachedInput: 3000, cacheCreation: 1500, output: 250, reasoning: 150, total: 5400 });
    expect(result.context).toMatchObject({ provider: 'anthropic', modelRequested: 'claude-sonnet-4-5', operation: 'chat' });
  });

  it('reads deprecated GenAI names and renamed providers', () => {
    const result = normaliseSpan(span({ 'gen_ai.system': 'vertex_ai', 'gen_ai.operation.name': 'generate_content', 'gen_ai.request.model': 'gemini-1.5-pro', 'gen_ai.usage.prompt_tokens': 80, 'gen_ai.usage.completion_tokens': 20 }));
    expect(result.usage).toEqual({ input: 80, output: 20, total: 100 });
    expect(result.context.provider).toBe('gcp.vertex_ai');
  });

  it('reads the Vercel AI SDK embedding usage as input tokens', () => {
    const result = normaliseSpan(span({ 'ai.operationId': 'ai.embed.doEmbed', 'ai.model.id': 'text-embedding-3-small', 'ai.usage.tokens': 10 }));
    expect([result.step, result.usage]).toEqual(['embedding', { input: 10, total: 10 }]);
  });

  it('keeps disjoint cache buckets when cached reads exceed reported input', () => {
    const result = normaliseSpan(span({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.cache_read.input_tokens': 4000 }));
    expect(result.usage).toMatchObject({ input: 12, cachedInput: 4000 });
  });

  it('reads OpenInference kinds, token counts and details', () => {
    const result = normaliseSpan(span({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4.1-2025-04-14',
      'llm.provider': 'openai',
      'llm.token_count.prompt': 1000,
      'llm.token_count.prompt_details.cache_read': 600,
      'llm.token_count.prompt_details.cache_write': 100,
      'llm.token_count.prompt_details.audio': 50,
      'llm.token_count.completion': '300',
      'llm.token_count.completion_details.reasoning': '120',
      'llm.token_count.completion_details.audio': '30',
      'llm.token_count.total': 1300,
      'llm.cost.total': 0.0123,
    }));
    expect(result.usage).toEqual({ input: 250, cachedInput: 600, cacheCreation: 100, audioInput: 50, output: 150, reasoning: 120, audioOutput: 30, total: 1300 });
    expect(result.context).toMatchObject({ modelRequested: 'gpt-4.1-2025-04-14', modelServed: 'gpt-4.1-2025-04-14', provider: 'openai' });
    expect(result.reportedCost).toEqual({ amount: '0.0123', currency: 'USD', source: 'openinference llm.cost.total' });
  });

  it.each([
    ['EMBEDDING', 'embedding'],
    ['RETRIEVER', 'retrieval'],
    ['RERANKER', 'retrieval'],
    ['TOOL', 'tool_call'],
    ['AGENT', 'agent_invocation'],
    ['GUARDRAIL', 'policy_decision'],
    ['CHAIN', 'other'],
  ])('maps OpenInference kind %s to %s', (kind, step) => {
    expect(normaliseSpan(span({ 'openinference.span.kind': kind })).step).toBe(step);
  });

  it.each([
    ['embeddings', 'embedding'],
    ['execute_tool', 'tool_call'],
    ['invoke_agent', 'agent_invocation'],
    ['create_agent', 'agent_invocation'],
    ['text_completion', 'llm_call'],
  ])('maps gen_ai.operation.name %s to %s', (operation, step) => {
    expect(normaliseSpan(span({ 'gen_ai.operation.name': operation })).step).toBe(step);
  });

  it('reads OpenLLMetry spans', () => {
    const llm = normaliseSpan(span({
      'llm.request.type': 'chat',
      'gen_ai.system': 'Anthropic',
      'gen_ai.request.model': 'claude-3-5-haiku',
      'gen_ai.usage.prompt_tokens': 900,
      'gen_ai.usage.cache_read_input_tokens': 600,
      'gen_ai.usage.cache_creation_input_tokens': 200,
      'gen_ai.usage.completion_tokens': 50,
      'llm.usage.total_tokens': 950,
      'traceloop.workflow.name': 'refund-flow',
    }));
    expect(llm.step).toBe('llm_call');
    expect(llm.usage).toEqual({ input: 100, cachedInput: 600, cacheCreation: 200, output: 50, total: 950 });
    expect(llm.context.workflow).toBe('refund-flow');

    const tool = normaliseSpan(span({ 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'search_orders' }));
    expect(tool.step).toBe('tool_call');
    expect(tool.context.tool).toBe('search_orders');
    const agent = normaliseSpan(span({ 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner', 'llm.usage.total_tokens': 5000 }));
    expect(agent.step).toBe('agent_invocation');
    expect(agent.context.agent).toBe('planner');
    expect(agent.usage).toBeUndefined();
  });

  it('reads the estate context from span and resource, span first', () => {
    const result = normaliseSpan(span(
      { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'mcp__github__create_issue', 'gen_ai.tool.call.id': 'call_9', 'estate.tool_scope': 'repo:write', 'enduser.id': 'user-42', 'estate.environment': 'staging' },
      { resource: { 'service.name': 'triage-bot', 'deployment.environment.name': 'prod', 'estate.team': 'platform', 'estate.policy_class': 'restricted', 'estate.product': 'helpdesk', 'estate.model_route': 'primary', 'estate.workflow': 'triage' } },
    ));
    expect(result.context).toEqual({
      service: 'triage-bot',
      environment: 'staging',
      workflow: 'triage',
      product: 'helpdesk',
      team: 'platform',
      tool: 'create_issue',
      mcpServer: 'github',
      toolCallId: 'call_9',
      modelRoute: 'primary',
      operation: 'execute_tool',
      principal: 'user-42',
      policyClass: 'restricted',
      toolScope: 'repo:write',
    });
  });

  it('honours an explicit estate.step and classifies a root server span as the request', () => {
    expect(normaliseSpan(span({ 'estate.step': 'side_effect' })).step).toBe('side_effect');
    expect(normaliseSpan(span({}, { parentSpanId: undefined, kind: 2 })).step).toBe('request');
    expect(normaliseSpan(span({ 'estate.approval.id': 'ap-1' })).step).toBe('approval_checkpoint');
  });

  it('maps status codes and keeps raw attributes, resource and events', () => {
    const events = [{ name: 'gen_ai.user.message', timeUnixNano: '1700000000500000000', attributes: { content: 'Grüß Gott — 你好' } }];
    const result = normaliseSpan(span({ custom: 'x' }, { statusCode: 2, statusMessage: 'boom', events, resource: { 'service.name': 's' } }));
    expect(result).toMatchObject({ status: 'error', statusMessage: 'boom', attributes: { custom: 'x' }, resource: { 'service.name': 's' }, events });
  });
});
