import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { SERVICE_PORTS } from './steps';

const ROOT = join(__dirname, '../..');
const READY_TIMEOUT_MS = 90_000;

/** Peak resident memory seen while sampling, in MB (VmRSS: current, VmHWM: the kernel's high-water mark). */
export interface MemoryPeak {
  service: string;
  pid: number;
  peakRssMb: number;
  hwmMb: number;
}

export interface RunningService {
  name: string;
  child: ChildProcess;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts a service with scripts/start-service.sh on its default port, or
 * returns undefined (with the reason) when the port is taken or the service
 * does not become ready, so the suite never disturbs a process it did not start.
 */
export async function startService(name: string, log: (line: string) => void): Promise<RunningService | undefined> {
  const port = SERVICE_PORTS[name];
  if (await portInUse(port)) {
    log(`${name}: port ${port} is in use; memory not sampled`);
    return undefined;
  }
  const child = spawn('bash', [join(ROOT, 'scripts/start-service.sh'), name], { cwd: ROOT, stdio: ['ignore', 'ignore', 'ignore'] });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await portInUse(port)) return { name, child };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  log(`${name}: did not listen on ${port} within ${READY_TIMEOUT_MS} ms; memory not sampled`);
  child.kill('SIGTERM');
  return undefined;
}

export async function stopService(service: RunningService): Promise<void> {
  if (service.child.exitCode !== null) return;
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Reads a process's current (VmRSS) and peak (VmHWM) resident memory in MB, or undefined once it has exited. */
export function readMemoryMb(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 'NaN') / 1024;
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Samples the services' memory every 250 ms until the returned stop function is called. */
export function sampleMemory(services: RunningService[]): () => MemoryPeak[] {
  const peaks = new Map<string, MemoryPeak>();
  const sample = () => {
    for (const service of services) {
      const pid = service.child.pid;
      if (pid === undefined) continue;
      const memory = readMemoryMb(pid);
      if (!memory) continue;
      const peak = peaks.get(service.name) ?? { service: service.name, pid, peakRssMb: 0, hwmMb: 0 };
      peak.peakRssMb = Math.max(peak.peakRssMb, memory.rss);
      peak.hwmMb = Math.max(peak.hwmMb, memory.hwm);
      peaks.set(service.name, peak);
    }
  };
  sample();
  const timer = setInterval(sample, 250);
  return () => {
    clearInterval(timer);
    sample();
    return [...peaks.values()];
  };
}
