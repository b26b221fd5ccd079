/**
 * A tiny HTTP service run through `runInCluster`, for cluster.int.spec.ts.
 * Every worker responds with its pid. Each worker prints `listening <port>`,
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
import { runInCluster } from '../cluster';

const logger = pino({ level: 'silent' });

function start(): Promise<void> {
  const failFile = process.env.FAIL_START_FILE;
  if (failFile && existsSync(failFile)) {
    appendFileSync(`${failFile}.failed`, `${process.pid}\n`);
    return Promise.reject(new Error(`${failFile} exists`));
  }
  return new Promise((resolve) => {
    const server = createServer((_request, response) => response.end(String(process.pid)));
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
