import { credentials, loadPackageDefinition, Metadata, ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export { freePort } from '@estate/testing';

type UnaryMethod = (request: unknown, metadata: Metadata, callback: (error: ServiceError | null, response: unknown) => void) => void;

/** A gRPC client for one service of a proto file, with promise-returning unary calls. */
export interface GrpcTestClient {
  call<T>(method: string, request: object, apiKey?: string): Promise<T>;
  close(): void;
}

/** Connects to `service` (its full name, such as estate.policy.v1.PolicyDecisionService) on 127.0.0.1:port. */
export function grpcTestClient(protoPath: string, service: string, port: number): GrpcTestClient {
  const definition = loadPackageDefinition(loadSync(protoPath, { keepCase: true, longs: String, defaults: true }));
  const Constructor = service.split('.').reduce((node: any, name) => node[name], definition) as new (address: string, creds: unknown) => Record<string, UnaryMethod> & { close(): void };
  const client = new Constructor(`127.0.0.1:${port}`, credentials.createInsecure());
  return {
    call<T>(method: string, request: object, apiKey?: string): Promise<T> {
      const metadata = new Metadata();
      if (apiKey !== undefined) metadata.set('authorization', `Bearer ${apiKey}`);
      return new Promise<T>((resolve, reject) => {
        client[method].call(client, request, metadata, (error, response) => (error ? reject(error) : resolve(response as T)));
      });
    },
    close: () => client.close(),
  };
}

/** Resolves with the gRPC error of a call that must fail, and fails the test if the call succeeds. */
export function grpcRejection(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  return call.then(
    () => {
      throw new Error('expected the gRPC call to fail');
    },
    (error: { code: number; details: string }) => error,
  );
}
