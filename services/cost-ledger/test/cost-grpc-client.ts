import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createServer } from 'node:net';
import { COST_PROTO } from '../src/app.module';

/** Finds a free loopback port by binding port 0 and releasing it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type GrpcOutcome = { ok: true; value: any } | { ok: false; code: grpc.status; message: string };

/** A grpc-js client for `estate.cost.v1.CostLedgerService` whose calls settle to a value or a status, never throw. */
export function costGrpcClient(port: number) {
  const definition = loadSync(COST_PROTO, { keepCase: true, longs: String, defaults: true });
  const pkg = grpc.loadPackageDefinition(definition) as any;
  const client: grpc.Client = new pkg.estate.cost.v1.CostLedgerService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = (method: string, request: object, apiKey?: string): Promise<GrpcOutcome> => {
    const metadata = new grpc.Metadata();
    if (apiKey) metadata.set('authorization', `Bearer ${apiKey}`);
    return new Promise((resolve) => {
      (client as any)[method](request, metadata, (error: grpc.ServiceError | null, value: unknown) =>
        resolve(error ? { ok: false, code: error.code, message: error.details } : { ok: true, value }),
      );
    });
  };
  return { call, close: () => client.close() };
}
