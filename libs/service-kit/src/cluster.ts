import cluster, { Worker } from 'node:cluster';
import type { Logger } from 'pino';

/** Message type a worker sends its primary once `start` has resolved. */
const READY = 'estate:worker-ready';
/** The first restart waits this long, doubling per quick failure up to RESTART_MAX_MS. */
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;
/** A worker that lived this long before exiting restarts after RESTART_MIN_MS again. */
const STABLE_AFTER_MS = 60_000;

/**
 * Runs `start` in `processes` Node cluster workers that share the service's
 * listening ports, or in this process when `processes` is 1.
 *
 * The primary starts the workers one after another, so the first applies any
 * pending migrations alone. It restarts a worker that exits unexpectedly,
 * with backoff, and passes SIGTERM and SIGINT on for a graceful shutdown.
 */
export function runInCluster(processes: number, logger: Logger, start: () => Promise<unknown>): Promise<unknown> {
  if (processes <= 1) return start();
  if (cluster.isPrimary) return runPrimary(processes, logger);
  return start().then(() => process.send?.({ type: READY }));
}

async function runPrimary(processes: number, logger: Logger): Promise<void> {
  let stopping = false;
  let delay = RESTART_MIN_MS;
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'stopping cluster workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  for (let slot = 0; slot < processes; slot += 1) {
    const worker = await forkReady(slot, logger);
    watch(worker, slot);
  }
  logger.info({ processes }, 'all cluster workers ready');

  function watch(worker: Worker, slot: number): void {
    const started = Date.now();
    worker.once('exit', (code, signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        return;
      }
      delay = Date.now() - started > STABLE_AFTER_MS ? RESTART_MIN_MS : Math.min(delay * 2, RESTART_MAX_MS);
      logger.error({ slot, pid: worker.process.pid, code, signal, retryInMs: delay }, 'cluster worker exited; restarting it');
      setTimeout(() => {
        forkReady(slot, logger).then(
          (next) => watch(next, slot),
          (error: unknown) => {
            logger.fatal({ err: error, slot }, 'cluster worker could not restart; stopping the service');
            stop('SIGTERM');
          },
        );
      }, delay);
    });
  }
}

/** Forks one worker and resolves once it reports its service started. */
function forkReady(slot: number, logger: Logger): Promise<Worker> {
  const worker = cluster.fork({ ESTATE_WORKER_SLOT: String(slot) });
  logger.info({ slot, pid: worker.process.pid }, 'cluster worker starting');
  return new Promise((resolve, reject) => {
    const failed = (code: number | null) => reject(new Error(`cluster worker ${slot} exited with ${code} before its service started`));
    worker.once('exit', failed);
    worker.on('message', (message: { type?: string }) => {
      if (message?.type !== READY) return;
      worker.off('exit', failed);
      logger.info({ slot, pid: worker.process.pid }, 'cluster worker ready');
      resolve(worker);
    });
  });
}
