/**
 * A tiny HTTP service run through `runInCluster`, for cluster.int.spec.ts.
 * Every worker responds with its pid and counts the request, except on
 * `/metrics`, which returns the cluster's metrics. Each worker prints `listening <port>`,
 * and the primary prints `ready` once every worker has started. While the
 * file named by FAIL_START_FILE exists, a worker fails its start and
 * appends its pid to that name plus `.failed`.
 * Usage: cluster-http.ts <processes>
 */
import cluster from 'node:cluster';
import { appendFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Counter } from 'prom-client';
import { clusterMetrics, runInCluster } from '../cluster';

const logger = pino({ level: 'silent' });
const served = new Counter({ name: 'fixture_requests_total', help: 'Requests responded to with the worker pid' });

function start(): Promise<void> {
  const failFile = process.env.FAIL_START_FILE;
  if (failFile && existsSync(failFile)) {
    appendFileSync(`${failFile}.failed`, `${process.pid}\n`);
    return Promise.reject(new Error(`${failFile} exists`));
  }
  return new Promise((resolve) => {
    const server = createServer((request, response) => {
      if (request.url === '/metrics') {
        clusterMetrics().then((text) => response.end(text), (error: Error) => response.writeHead(500).end(error.message));
        return;
      }
      served.inc();
      response.end(String(process.pid));
    });
    server.listen(0, '127.0.0.1', () => {
      process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
      resolve();
    });
    process.once('SIGTERM', () => server.close(() => process.exit(0)));
  });
}

runInCluster(Number(process.argv[2]), logger, start).then(
  () => cluster.isPrimary && process.stdout.write('ready\n'),
  () => process.exit(1),
);
