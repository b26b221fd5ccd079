import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { ApiKeyStore } from '@estate/access';
import { AppError, authenticateHeader, checkRole } from '@estate/service-kit';
import type { Logger } from 'pino';
import * as protobuf from 'protobufjs';
import { PROTO_ROOT } from '../otlp/otlp-schema';
import { GRPC_STATUS, toAppError } from '../otlp/receiver-errors';
import type { SpanNode } from './trace-tree';
import type { TraceQueries, TraceSummary } from './trace-queries';

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
root.loadSync('estate/trace.proto', { keepCase: false });
root.resolveAll();
const type = (name: string) => root.lookupType(`estate.trace.v1.${name}`);

const TRACE_ID = /^[0-9a-f]{32}$/;
const STATUSES = ['unset', 'ok', 'error'];

function method(name: string, request: protobuf.Type, response: protobuf.Type): grpc.MethodDefinition<object, object> {
  return {
    path: `/estate.trace.v1.TraceQuery/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (message: object) => Buffer.from(request.encode(request.fromObject(message)).finish()),
    requestDeserialize: (bytes: Buffer) => request.toObject(request.decode(bytes), { defaults: true }),
    responseSerialize: (message: object) => Buffer.from(response.encode(response.fromObject(message)).finish()),
    responseDeserialize: (bytes: Buffer) => response.toObject(response.decode(bytes), { longs: String, defaults: true }),
  };
}

/** The TraceQuery service definition, also used by clients in the tests. */
export const TRACE_QUERY_SERVICE: grpc.ServiceDefinition = {
  GetTrace: method('GetTrace', type('GetTraceRequest'), type('GetTraceResponse')),
  SearchTraces: method('SearchTraces', type('SearchTracesRequest'), type('SearchTracesResponse')),
};

/** Adds `estate.trace.v1.TraceQuery` to a gRPC server; every call is authenticated and scoped to the key's tenant. */
export function addTraceQueryService(server: grpc.Server, deps: { store: ApiKeyStore; queries: TraceQueries; logger: Logger }): void {
  const unary = <Req, Res>(work: (tenantId: string, request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> => (call, callback) => {
    void (async () => {
      try {
        const header = call.metadata.get('authorization')[0];
        const principal = await authenticateHeader(deps.store, typeof header === 'string' ? header : header?.toString('utf8'));
        checkRole(principal, undefined);
        callback(null, await work(principal.tenantId, call.request));
      } catch (error) {
        const appError = toAppError(error, deps.logger, { service: 'estate.trace.v1.TraceQuery' });
        callback({ code: GRPC_STATUS[appError.code], details: appError.message });
      }
    })();
  };

  server.addService(TRACE_QUERY_SERVICE, {
    GetTrace: unary(async (tenantId, request: { traceId: string }) => {
      const traceId = request.traceId.toLowerCase();
      if (!TRACE_ID.test(traceId)) throw new AppError('invalid_argument', 'trace_id must be 32 hex characters', 'trace_id');
      const { trace, spans } = await deps.queries.trace(tenantId, traceId);
      return { trace: toSummaryMessage(trace), spans: flattenWithDepth(spans) };
    }),
    SearchTraces: unary(async (tenantId, request: Record<string, unknown>) => {
      const search = toSearch(request);
      const result = await deps.queries.search(tenantId, search);
      return { traces: result.traces.map(toSummaryMessage), nextCursor: result.nextCursor ?? '' };
    }),
  });
}

function toSearch(request: Record<string, unknown>) {
  const text = (key: string) => (typeof request[key] === 'string' && request[key] !== '' ? (request[key] as string) : undefined);
  for (const key of ['from', 'to']) {
    const value = text(key);
    if (value && Number.isNaN(Date.parse(value))) throw new AppError('invalid_argument', `${key} must be an ISO 8601 time, got "${value}"`, key);
  }
  const status = text('status');
  if (status && !STATUSES.includes(status)) throw new AppError('invalid_argument', `status must be one of ${STATUSES.join(', ')}`, 'status');
  const limit = Number(request.limit) || 50;
  if (limit < 1 || limit > 500) throw new AppError('invalid_argument', `limit must be between 1 and 500, got ${limit}`, 'limit');
  const attributes = ((request.attributes as string[]) ?? []).map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new AppError('invalid_argument', `attribute "${pair}" must be key=value`, 'attributes');
    return { key: pair.slice(0, at), value: pair.slice(at + 1) };
  });
  return {
    from: text('from'), to: text('to'), service: text('service'), environment: text('environment'), workflow: text('workflow'),
    agent: text('agent'), model: text('model'), tool: text('tool'), status, attributes, limit, cursor: text('cursor'),
  };
}

function toSummaryMessage(trace: TraceSummary) {
  return { ...trace, service: trace.service ?? '', environment: trace.environment ?? '', workflow: trace.workflow ?? '' };
}

function flattenWithDepth(tree: SpanNode[]) {
  const out: object[] = [];
  const visit = (node: SpanNode, depth: number) => {
    out.push({
      spanId: node.spanId,
      parentSpanId: node.parentSpanId ?? '',
      name: node.name,
      step: node.step,
      startTimeUnixNano: node.startTimeUnixNano,
      endTimeUnixNano: node.endTimeUnixNano,
      status: node.status,
      orphan: node.orphan,
      depth,
      contextJson: JSON.stringify(node.context),
      usageJson: node.usage ? JSON.stringify(node.usage) : '',
      attributesJson: JSON.stringify(node.attributes),
    });
    for (const child of node.children) visit(child, depth + 1);
  };
  for (const node of tree) visit(node, 0);
  return out;
}
