import * as grpc from '@grpc/grpc-js';
import type { ApiKeyStore } from '@estate/access';
import { authenticateHeader, checkRole } from '@estate/service-kit';
import type { Logger } from 'pino';
import type { SpanIngestor } from '../ingest/span-ingestor';
import type { IngestLimits } from '../settings';
import { decodeProtobufRequest } from './decode-protobuf';
import { encodeExportResponse, TRACE_SERVICE_EXPORT_PATH } from './otlp-schema';
import { GRPC_STATUS, partialSuccessMessage, toAppError } from './receiver-errors';

const passThrough = (bytes: Buffer): Buffer => bytes;

/**
 * The OTLP/gRPC receiver (`TraceService/Export`). Messages stay raw bytes
 * through grpc-js and are decoded by the same protobuf decoder as the HTTP
 * receiver, so both paths accept exactly the same spans. grpc-js handles
 * gzip message compression and rejects messages over the body limit with
 * RESOURCE_EXHAUSTED before they reach the handler.
 */
export function createOtlpGrpcServer(deps: { store: ApiKeyStore; ingestor: SpanIngestor; limits: IngestLimits; logger: Logger }): grpc.Server {
  const { store, ingestor, limits, logger } = deps;
  const server = new grpc.Server({ 'grpc.max_receive_message_length': limits.maxBodyBytes });
  const definition: grpc.ServiceDefinition = {
    Export: {
      path: TRACE_SERVICE_EXPORT_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: passThrough,
      requestDeserialize: passThrough,
      responseSerialize: passThrough,
      responseDeserialize: passThrough,
    },
  };
  const exportHandler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    void (async () => {
      try {
        const header = call.metadata.get('authorization')[0];
        const principal = await authenticateHeader(store, typeof header === 'string' ? header : header?.toString('utf8'));
        checkRole(principal, ['ingest']);
        const result = await ingestor.ingest(principal.tenantId, 'otlp-grpc', decodeProtobufRequest(call.request));
        callback(null, encodeExportResponse(result.rejected.length, partialSuccessMessage(result.rejected, result.warnings)));
      } catch (error) {
        const appError = toAppError(error, logger, { path: TRACE_SERVICE_EXPORT_PATH });
        callback({ code: GRPC_STATUS[appError.code], details: appError.message });
      }
    })();
  };
  server.addService(definition, { Export: exportHandler });
  return server;
}

/** Binds the server and resolves with the bound port (useful when `port` is 0). */
export function bindGrpcServer(server: grpc.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`0.0.0.0:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });
}
