/**
 * A tiny HTTP service run through `runInCluster`, for cluster.int.spec.ts.
 * Every worker responds with its pid. Each worker prints `listening <port>`,
 * and the primary prints `ready` once every worker has started.
 * Usage: cluster-http.ts <processes>
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { runInCluster } from '../cluster';

const logger = pino({ level: 'silent' });

function start(): Promise<void> {
  return new Promise((resolve) => {
    const server = createServer((_request, response) => response.end(String(process.pid)));
    server.listen(0, '127.0.0.1', () => {
      process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
      resolve();
    });
    process.once('SIGTERM', () => server.close(() => process.exit(0)));
  });
}

runInCluster(Number(process.argv[2]), logger, start).then(() => cluster.isPrimary && process.stdout.write('ready\n'));
