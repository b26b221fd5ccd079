import { ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIXTURE = join(__dirname, 'test-fixtures', 'cluster-http.ts');
const started: ChildProcess[] = [];

/** Starts the fixture with `processes` workers and resolves with its port once the primary reports ready. */
function startFixture(processes: number, env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', FIXTURE, String(processes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  started.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`fixture exited with ${code}: ${output}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening (\d+)/.exec(output);
      if (port && output.includes('ready')) resolve({ child, port: Number(port[1]), exited });
    });
  });
}

/** Asks the fixture for the pid of the worker that takes a new connection. */
function workerPid(port: number): Promise<number> {
  return get(port, '/').then(Number);
}

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.once('error', reject);
    req.setTimeout(2000, () => req.destroy(new Error('no response within 2 s')));
    req.end();
  });
}

/** Returns the pids that responded to `connections` new connections. A connection reset while a worker restarts counts as no response. */
async function pidsSeen(port: number, connections: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < connections; i += 1) {
    const pid = await workerPid(port).catch(() => undefined);
    if (pid) pids.add(pid);
  }
  return pids;
}

/** Polls until two workers respond and neither is `killed`, for up to 30 s. */
async function replacedWorkers(port: number, killed: number): Promise<Set<number>> {
  const deadline = Date.now() + 30_000;
  let pids = await pidsSeen(port, 8);
  while ((pids.size !== 2 || pids.has(killed)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    pids = await pidsSeen(port, 8);
  }
  return pids;
}

describe('runInCluster', () => {
  jest.setTimeout(60_000);

  // Killing the primary disconnects its workers, which then exit on their own.
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('shares a port and restarts workers', async () => {
    const { child, port, exited } = await startFixture(2);
    const first = await pidsSeen(port, 8);
    expect(first.size).toBe(2);
    expect(first.has(child.pid!)).toBe(false);
    // Each worker counted its own requests, and either one reports the sum.
    expect(await get(port, '/metrics')).toMatch(/^fixture_requests_total 8$/m);

    const [killed] = [...first];
    process.kill(killed, 'SIGKILL');
    const after = await replacedWorkers(port, killed);
    expect(after.size).toBe(2);
    expect(after.has(killed)).toBe(false);
    expect([...after].filter((pid) => first.has(pid))).toHaveLength(1);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('retries a replacement that fails', async () => {
    const failFile = join(mkdtempSync(join(tmpdir(), 'cluster-')), 'fail-start');
    const { child, port, exited } = await startFixture(2, { FAIL_START_FILE: failFile });
    const [killed] = [...(await pidsSeen(port, 8))];
    writeFileSync(failFile, '');
    process.kill(killed, 'SIGKILL');
    while (!existsSync(`${failFile}.failed`)) await new Promise((resolve) => setTimeout(resolve, 100));
    rmSync(failFile);

    const after = await replacedWorkers(port, killed);
    expect(after.size).toBe(2);
    expect(child.exitCode).toBeNull();

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('exits 1 when a first start fails', async () => {
    const failFile = join(mkdtempSync(join(tmpdir(), 'cluster-')), 'fail-start');
    writeFileSync(failFile, '');
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', FIXTURE, '2'], { stdio: 'ignore', env: { ...process.env, FAIL_START_FILE: failFile } });
    started.push(child);

    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
  });

  it('runs unforked with one process', async () => {
    const { child, port, exited } = await startFixture(1);
    expect(await pidsSeen(port, 3)).toEqual(new Set([child.pid]));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
