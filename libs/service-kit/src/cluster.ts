import cluster, { Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { AggregatorRegistry, PrometheusContentType, register } from 'prom-client';

/** Message type a worker sends its primary once `start` has resolved. */
const READY = 'estate:worker-ready';
/** Message types of a worker's request for the whole cluster's metrics, and of the primary's response. */
const METRICS_REQUEST = 'estate:cluster-metrics-request';
const METRICS_RESPONSE = 'estate:cluster-metrics-response';
const METRICS_TIMEOUT_MS = 5000;
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
  // Constructing the aggregator makes a worker respond to the primary's requests for its metrics.
  const aggregator = new AggregatorRegistry<PrometheusContentType>();
  if (cluster.isPrimary) {
    serveClusterMetrics(aggregator, logger);
    return runPrimary(processes, logger);
  }
  inCluster = true;
  return start().then(() => process.send?.({ type: READY }));
}

let inCluster = false;
let metricsRequests = 0;

/**
 * Returns the Prometheus text of every worker's metrics summed, when this
 * process is a worker of `runInCluster`, and this process's own otherwise.
 * A scrape reaches whichever worker takes its connection, so one worker's
 * figures alone would jump between scrapes.
 */
export async function clusterMetrics(): Promise<string> {
  if (!inCluster) return register.metrics();
  const id = ++metricsRequests;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => settle(new Error(`the cluster primary sent no metrics within ${METRICS_TIMEOUT_MS} ms`)), METRICS_TIMEOUT_MS);
    const onMessage = (message: { type?: string; id?: number; text?: string; error?: string }) => {
      if (message?.type !== METRICS_RESPONSE || message.id !== id) return;
      settle(message.error === undefined ? undefined : new Error(message.error), message.text);
    };
    function settle(error: Error | undefined, text?: string): void {
      clearTimeout(timer);
      process.off('message', onMessage);
      if (error) reject(error);
      else resolve(text ?? '');
    }
    process.on('message', onMessage);
    process.send!({ type: METRICS_REQUEST, id });
  });
}

/** Serves workers' metrics requests in the primary with the aggregate of every worker's registry. */
function serveClusterMetrics(aggregator: AggregatorRegistry<PrometheusContentType>, logger: Logger): void {
  cluster.on('message', (worker: Worker, message: { type?: string; id?: number }) => {
    if (message?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: METRICS_RESPONSE, id: message.id, text }),
      (error: Error) => {
        logger.warn({ err: error, pid: worker.process.pid }, 'cluster metrics could not be gathered');
        if (worker.isConnected()) worker.send({ type: METRICS_RESPONSE, id: message.id, error: error.message });
      },
    );
  });
}

async function runPrimary(processes: number, logger: Logger): Promise<void> {
  let stopping = false;
  // Each slot backs off on its own, so one crashing worker does not delay or reset another's restarts.
  const delays = new Map<number, number>();
  const workerCount = () => Object.keys(cluster.workers ?? {}).length;
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    logger.info({ signal, workers: workerCount() }, 'stopping cluster workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    if (workerCount() === 0) process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  // A worker that fails its first start stops the service: its configuration or dependencies are wrong.
  for (let slot = 0; slot < processes; slot += 1) watch(await forkReady(slot, logger), slot);
  logger.info({ processes }, 'all cluster workers ready');

  function watch(worker: Worker, slot: number): void {
    const started = Date.now();
    worker.once('exit', (code, signal) => {
      if (stopping) return exitOnceStopped();
      const previous = delays.get(slot);
      const delay = previous === undefined || Date.now() - started > STABLE_AFTER_MS ? RESTART_MIN_MS : Math.min(previous * 2, RESTART_MAX_MS);
      delays.set(slot, delay);
      logger.error({ slot, pid: worker.process.pid, code, signal, retryInMs: delay }, 'cluster worker exited; restarting it');
      restart(slot);
    });
  }

  /** Forks a replacement after the current backoff, and keeps trying with longer waits while replacements fail to start. */
  function restart(slot: number): void {
    setTimeout(() => {
      if (stopping) return exitOnceStopped();
      forkReady(slot, logger).then(
        (next) => watch(next, slot),
        (error: unknown) => {
          if (stopping) return exitOnceStopped();
          const delay = Math.min(delays.get(slot)! * 2, RESTART_MAX_MS);
          delays.set(slot, delay);
          logger.error({ err: error, slot, retryInMs: delay }, 'cluster worker failed to restart; trying again');
          restart(slot);
        },
      );
    }, delays.get(slot));
  }

  function exitOnceStopped(): void {
    if (workerCount() === 0) process.exit(0);
  }
}

/** Forks one worker and resolves once it reports its service started. */
function forkReady(slot: number, logger: Logger): Promise<Worker> {
  const worker = cluster.fork({ ESTATE_WORKER_SLOT: String(slot) });
  logger.info({ slot, pid: worker.process.pid }, 'cluster worker starting');
  return new Promise((resolve, reject) => {
    const failed = (code: number | null, signal: string | null) => {
      const ending = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
      reject(new Error(`cluster worker ${slot} (pid ${worker.process.pid}) ${ending} before its service started`));
    };
    worker.once('exit', failed);
    worker.on('message', (message: { type?: string }) => {
      if (message?.type !== READY) return;
      worker.off('exit', failed);
      logger.info({ slot, pid: worker.process.pid }, 'cluster worker ready');
      resolve(worker);
    });
  });
}
