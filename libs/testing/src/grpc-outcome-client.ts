import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createServer } from 'node:net';

/** Finds a free loopback port by binding port 0 and releasing it; another process may take it before the service binds, which fails the start loudly. */
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

/**
 * A grpc-js client for `service` (its full name, such as
 * estate.cost.v1.CostLedgerService) on 127.0.0.1:port, whose unary calls
 * settle to a value or a status and never throw.
 */
export function grpcOutcomeClient(protoPath: string, service: string, port: number) {
  const definition = grpc.loadPackageDefinition(loadSync(protoPath, { keepCase: true, longs: String, defaults: true }));
  const Constructor = service.split('.').reduce((node: any, name) => node[name], definition) as typeof grpc.Client;
  const client = new Constructor(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
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
