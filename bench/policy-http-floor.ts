import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts a bare node:http server that replies to every request with one
 * fixed decision body, after reading the request. The policy benchmark loads
 * it with the same paced client, rate and concurrency as the decision API,
 * in the same process as the service. Its latency is then the cost of an
 * HTTP round trip on this machine before any decision work, the floor under
 * the decision-over-HTTP figure.
 */
export async function startHttpFloor(responseBody: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.once('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(responseBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
