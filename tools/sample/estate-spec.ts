/**
 * The declared side of the sample estate: the workflows, agents, tools,
 * datasets and output channels that the bundled traces name, with owners,
 * environments and policy classes. Tool and agent names are the ones the
 * traces carry (`gen_ai.tool.name`, `gen_ai.agent.name`, span names), so
 * decisions and runtime sightings join on them.
 */
export interface SampleWorkflow {
  /** The trace file under data/sample/otlp whose traces this workflow ran. */
  file: string;
  workflow: string;
  agent: string;
  ownerTeam: string;
  environment: string;
  policyClass: 'sandbox' | 'internal' | 'customer-facing' | 'regulated';
  purpose: string;
  /** Tools the agent may call; a tool the traces show outside this list is denied by the default bundle. */
  toolScope: string[];
}

export const SAMPLE_WORKFLOWS: SampleWorkflow[] = [
  { file: 'claude-agent-2025-12-22.trace.json', workflow: 'weather-assistant', agent: 'claude-weather-agent', ownerTeam: 'assistants', environment: 'prod', policyClass: 'customer-facing', purpose: 'Answers weather questions through an MCP weather server', toolScope: ['mcp__weather__get_weather'] },
  { file: 'csharp-agent-with-gemini-2026-03-09.trace.json', workflow: 'insights-report', agent: 'Insights Agent C#', ownerTeam: 'analytics', environment: 'prod', policyClass: 'customer-facing', purpose: 'Builds custom reports for customers from analytics data', toolScope: ['get_custom_report', 'final_result'] },
  { file: 'google-adk-2025-08-28.trace.json', workflow: 'hello-app', agent: 'hello_agent', ownerTeam: 'developer-experience', environment: 'prod', policyClass: 'internal', purpose: 'Greets users; the Google ADK starter', toolScope: ['say_hello'] },
  { file: 'microsoft-agent-2025-12-17.trace.json', workflow: 'weather-agent-framework', agent: '171105b7-59dd-49c0-9677-0b95395aa46a', ownerTeam: 'assistants', environment: 'prod', policyClass: 'customer-facing', purpose: 'Weather agent on the Microsoft Agent Framework, not yet granted its tools', toolScope: [] },
  { file: 'openai-agents-2025-09-30.trace.json', workflow: 'agents-hello-world', agent: 'Hello world', ownerTeam: 'developer-experience', environment: 'prod', policyClass: 'internal', purpose: 'OpenAI Agents SDK example answering weather questions', toolScope: ['get_weather'] },
  { file: 'vercel-ai-sdk.all-spans.json', workflow: 'ai-sdk-demo', agent: 'ai-sdk-demo-agent', ownerTeam: 'web', environment: 'staging', policyClass: 'internal', purpose: 'Vercel AI SDK text, object, stream and embedding calls', toolScope: [] },
];

export interface SampleTool {
  name: string;
  sideEffects: boolean;
  reads?: string;
  writes?: string;
}

export const SAMPLE_TOOLS: SampleTool[] = [
  { name: 'mcp__weather__get_weather', sideEffects: false },
  { name: 'get_weather', sideEffects: false },
  { name: 'say_hello', sideEffects: false },
  { name: 'get_custom_report', sideEffects: true, reads: 'customer-analytics' },
  { name: 'final_result', sideEffects: true, writes: 'customer-portal' },
];

export const SAMPLE_DATASETS = [{ name: 'customer-analytics', classification: 'confidential' as const, ownerTeam: 'analytics', environment: 'prod' }];
export const SAMPLE_OUTPUT_CHANNELS = [{ name: 'customer-portal', ownerTeam: 'analytics', environment: 'prod', customerFacing: true }];

/** Stable asset ids, so a second run finds what the first registered. */
export const assetId = (kind: string, name: string) => `sample.${kind}.${name.replace(/[^A-Za-z0-9._-]+/g, '-').toLowerCase()}`;

/** The workflow entry of a trace file, or undefined for traces that no declared workflow ran (the OTLP example). */
export const workflowOfFile = (file: string) => SAMPLE_WORKFLOWS.find((w) => w.file === file);
