/**
 * The bare Cedar call (@cedar-policy/cedar-wasm 4.13, `statefulIsAuthorized`)
 * on a pre-parsed set of 30 policies with 3 entities: the floor under any
 * policy decision, which the policy service's in-process latency is
 * divided by. Sizes: CEDAR_CALLS (default 20000), BENCH_ROUNDS (default 3).
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { printBenchResult, sizeFromEnv } from '../bench-result';
import { quantile, summarize } from '../stats';

const CALLS = sizeFromEnv('CEDAR_CALLS', 20_000);
const ROUNDS = sizeFromEnv('BENCH_ROUNDS', 3);
const POLICY_SET_ID = 'bench-policies';

/** 30 policies of the kinds a tool-call bundle holds: per-tool permits, environment forbids, classification rules. */
function policies(): string {
  const rules: string[] = [];
  for (let i = 0; i < 20; i++) {
    rules.push(`permit (principal == Agent::"agent-${i}", action == Action::"call_tool", resource == Tool::"tool-${i}") when { context.environment != "prod" || resource.owner == "team-${i % 5}" };`);
  }
  for (let i = 0; i < 5; i++) {
    rules.push(`forbid (principal, action == Action::"call_tool", resource == Tool::"blocked-${i}") when { context.environment == "prod" };`);
  }
  for (let i = 0; i < 5; i++) {
    rules.push(`forbid (principal, action == Action::"call_tool", resource) when { resource.classification == "restricted-${i}" && !(context has approval) };`);
  }
  return rules.join('\n');
}

function decide(): cedar.AuthorizationAnswer {
  return cedar.statefulIsAuthorized({
    principal: { type: 'Agent', id: 'agent-7' },
    action: { type: 'Action', id: 'call_tool' },
    resource: { type: 'Tool', id: 'tool-7' },
    context: { environment: 'prod', user: 'u-42' },
    preparsedPolicySetId: POLICY_SET_ID,
    entities: [
      { uid: { type: 'Agent', id: 'agent-7' }, attrs: { team: 'team-2' }, parents: [] },
      { uid: { type: 'Tool', id: 'tool-7' }, attrs: { owner: 'team-2', classification: 'internal' }, parents: [] },
      { uid: { type: 'Dataset', id: 'orders' }, attrs: { classification: 'internal' }, parents: [] },
    ],
  });
}

function main(): void {
  const parsed = cedar.preparsePolicySet(POLICY_SET_ID, { staticPolicies: policies() });
  if (parsed.type !== 'success') throw new Error(`policy set did not parse: ${JSON.stringify(parsed)}`);
  const answer = decide();
  if (answer.type !== 'success' || answer.response.decision !== 'allow') throw new Error(`unexpected decision: ${JSON.stringify(answer)}`);

  const p50: number[] = [];
  const p99: number[] = [];
  const perSecond: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const latencies = new Float64Array(CALLS);
    const started = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) {
      const before = process.hrtime.bigint();
      decide();
      latencies[i] = Number(process.hrtime.bigint() - before) / 1e3;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const values = Array.from(latencies);
    console.log(`bare Cedar ${round === 0 ? 'warm-up' : `round ${round}`}: p50 ${quantile(values, 0.5).toFixed(1)} µs, p99 ${quantile(values, 0.99).toFixed(1)} µs, ${(CALLS / seconds).toFixed(0)} calls/s`);
    if (round === 0) continue;
    p50.push(quantile(values, 0.5));
    p99.push(quantile(values, 0.99));
    perSecond.push(CALLS / seconds);
  }
  printBenchResult({ name: 'limit-cedar', calls: CALLS, policies: 30, entities: 3, p50Micros: summarize(p50), p99Micros: summarize(p99), callsPerSecond: summarize(perSecond) });
}

main();
