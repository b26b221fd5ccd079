import { join } from 'node:path';
import * as protobuf from 'protobufjs';

/** Directory holding the OTLP .proto files; both receivers and the tests load from it. */
export const PROTO_ROOT = join(__dirname, '../../../../proto');

const TRACE_SERVICE_PROTO = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  root.loadSync(TRACE_SERVICE_PROTO, { keepCase: false });
  root.resolveAll();
  return root;
}

const root = loadRoot();

export const ExportTraceServiceRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
export const ExportTraceServiceResponse = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

/**
 * `google.rpc.Status`, the body OTLP/HTTP servers send with an error status
 * to protobuf clients. Declared here because only these three fields are used.
 */
export const RpcStatus = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(RpcStatus);

export const TRACE_SERVICE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** Encodes the response; `partial_success` stays unset when every span was accepted, as OTLP requires. */
export function encodeExportResponse(rejectedSpans: number, errorMessage: string): Buffer {
  const message = rejectedSpans > 0 || errorMessage ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
  return Buffer.from(ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create(message)).finish());
}
