import { ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { testInfrastructure, waitFor } from '@estate/testing';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '../..');

jest.setTimeout(300_000);

// The container image runs what scripts/build.sh compiles; this starts one
// service that way. Reporting reads the shipped price catalog and its proto
// relative to its own files, so it also proves dist/ finds data/ and proto/.
describe('compiled runtime', () => {
  let service: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (!service || service.exitCode !== null) return;
    const exited = new Promise((resolve) => service!.once('exit', resolve));
    service.kill('SIGTERM');
    await exited;
  });

  it('builds dist/ and serves a ready service from it', async () => {
    await run('bash', [path.join(ROOT, 'scripts/build.sh')], { cwd: ROOT, timeout: 240_000 });
    const infra = testInfrastructure();
    // Below the kernel's ephemeral range (32768 and up), so no outgoing connection uses it; gRPC takes any free port.
    const port = 29306;
    const child = spawn('bash', [path.join(ROOT, 'scripts/start-service.sh'), 'reporting'], {
      cwd: ROOT,
      env: { ...process.env, ESTATE_RUNTIME: 'dist', HTTP_PORT: String(port), GRPC_PORT: '0', KAFKA_BROKERS: infra.kafkaBrokers.join(','), DATABASE_URL: infra.databaseUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service = child;
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const ready = await waitFor(
      `compiled reporting ready on ${port}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`compiled service exited with ${child.exitCode}: ${output.slice(-2000)}`);
        return fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status, () => 0);
      },
      (status) => status === 200,
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(ready).toBe(200);
  });

  it('rejects an unknown runtime with the accepted values', async () => {
    const failed = await run('bash', [path.join(ROOT, 'scripts/start-service.sh'), 'reporting'], { cwd: ROOT, env: { ...process.env, ESTATE_RUNTIME: 'jit' } }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('ESTATE_RUNTIME=jit is invalid; expected source or dist');
  });
});
