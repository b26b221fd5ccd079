/**
 * Runs every benchmark step one after another, each in its own process,
 * samples the resident memory of the services the domain steps load, and
 * writes bench/results/latest.json plus a Markdown table for BENCHMARKS.md.
 * A domain script that does not exist yet is recorded as "not available";
 * one that prints no BENCH_RESULT line keeps the tail of its output.
 * Mode: BENCH_MODE=smoke|full (default full). Start it with scripts/bench.sh.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseBenchResult } from './bench-result';
import { headlines, markdownTable, StepOutcome } from './report';
import { RunningService, sampleMemory, startService, stopService } from './services';
import { Step, STEPS, SuiteMode } from './steps';

const ROOT = join(__dirname, '../..');
const RESULTS = join(ROOT, 'bench/results/latest.json');

function log(line: string): void {
  process.stdout.write(`[suite] ${line}\n`);
}

function runScript(step: Step, mode: SuiteMode): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(ROOT, step.script)], {
      cwd: ROOT,
      env: { ...process.env, BENCH_ROUNDS: process.env.BENCH_ROUNDS ?? '3', ...step.sizes[mode] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, step.timeoutSeconds * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

async function runStep(step: Step, mode: SuiteMode): Promise<StepOutcome> {
  if (!existsSync(join(ROOT, step.script))) {
    log(`${step.id}: ${step.script} not available`);
    return { id: step.id, kind: step.kind, status: 'not available', seconds: 0 };
  }
  const services: RunningService[] = [];
  for (const name of step.services ?? []) {
    const running = await startService(name, log);
    if (running) services.push(running);
  }
  const stopSampling = sampleMemory(services);
  const started = Date.now();
  log(`${step.id}: running ${step.script}`);
  const run = await runScript(step, mode);
  const memory = stopSampling();
  for (const service of services) await stopService(service);
  const seconds = (Date.now() - started) / 1000;
  const result = parseBenchResult(run.output);
  const tail = run.output.trim().split('\n').slice(-15).join('\n');
  if (run.code !== 0 || run.timedOut) {
    log(`${step.id}: failed (exit ${run.code}${run.timedOut ? `, timed out after ${step.timeoutSeconds} s` : ''})`);
    return { id: step.id, kind: step.kind, status: 'failed', seconds, result, rawTail: tail, memory };
  }
  return { id: step.id, kind: step.kind, status: 'ok', seconds, result, rawTail: result ? undefined : tail, memory };
}

async function main(): Promise<void> {
  const mode = (process.env.BENCH_MODE ?? 'full') as SuiteMode;
  if (mode !== 'smoke' && mode !== 'full') throw new Error(`BENCH_MODE=${mode} is invalid; expected smoke or full`);
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  const started = new Date();
  const outcomes = new Map<string, StepOutcome>();
  for (const step of STEPS) {
    if (only && !only.includes(step.id)) continue;
    outcomes.set(step.id, await runStep(step, mode));
  }
  const rows = headlines(outcomes);
  const machine = { cores: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const seconds = (Date.now() - started.getTime()) / 1000;
  writeFileSync(RESULTS, `${JSON.stringify({ mode, startedAt: started.toISOString(), seconds, machine, headlines: rows, steps: [...outcomes.values()] }, null, 2)}\n`);
  log(`finished in ${seconds.toFixed(0)} s (${mode}); results in bench/results/latest.json`);
  for (const outcome of outcomes.values()) log(`${outcome.id}: ${outcome.status} in ${outcome.seconds.toFixed(0)} s`);
  process.stdout.write(`\n${markdownTable(rows)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
