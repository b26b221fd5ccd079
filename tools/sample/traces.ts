import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LoadStepError, pollUntil, ServiceClient } from './http';

type Json = Record<string, unknown>;

export interface SampleTraceFile {
  file: string;
  document: Json | unknown[];
  /** The trace ids the file holds, read from its ids without converting anything else. */
  traceIds: string[];
  spanCount: number;
}

/** Reads every trace export under `<sampleDir>/otlp`, with the trace ids each holds. */
export function readTraceFiles(sampleDir: string): SampleTraceFile[] {
  const dir = path.join(sampleDir, 'otlp');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const document = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Json | unknown[];
    return { file, document, ...idsOf(file, document) };
  });
}

function idsOf(file: string, document: Json | unknown[]): { traceIds: string[]; spanCount: number } {
  if (Array.isArray(document)) {
    const ids = document.map((s) => String(((s as Json).spanContext as Json).traceId));
    return { traceIds: [...new Set(ids)], spanCount: document.length };
  }
  if ('resourceSpans' in document) {
    const spans = (document.resourceSpans as Json[]).flatMap((r) => (r.scopeSpans as Json[]).flatMap((s) => s.spans as Json[]));
    return { traceIds: [...new Set(spans.map((s) => String(s.traceId).toLowerCase()))], spanCount: spans.length };
  }
  if ('observations' in document) {
    return { traceIds: [String((document.trace as Json).id)], spanCount: (document.observations as unknown[]).length };
  }
  throw new LoadStepError(`step "traces": ${file} is neither OTLP/JSON, a ReadableSpan array nor a Langfuse trace export; remove it from data/sample/otlp`);
}

/**
 * Step 4: sends OTLP/JSON to the OTLP/HTTP receiver and the other shapes to
 * the file import, which converts them the same way for every client. The
 * trace record keeps one row per span id, so a resend changes nothing.
 */
export async function sendTraces(client: ServiceClient, files: SampleTraceFile[]): Promise<{ files: number; accepted: number; rejected: number; acceptedByFile: Map<string, number> }> {
  let accepted = 0;
  let rejected = 0;
  const acceptedByFile = new Map<string, number>();
  for (const f of files) {
    const before = accepted;
    if (!Array.isArray(f.document) && 'resourceSpans' in f.document) {
      const { body } = await client.call<{ partialSuccess?: { rejectedSpans?: string | number } }>('otlpHttp', '/v1/traces', { role: 'ingest', body: f.document });
      const lost = Number(body.partialSuccess?.rejectedSpans ?? 0);
      accepted += f.spanCount - lost;
      rejected += lost;
    } else {
      const { body } = await client.call<{ acceptedSpans: number; rejectedSpans: number }>('traceIngest', '/v1/traces/import', { role: 'ingest', body: f.document });
      accepted += body.acceptedSpans;
      rejected += body.rejectedSpans;
    }
    acceptedByFile.set(f.file, accepted - before);
  }
  return { files: files.length, accepted, rejected, acceptedByFile };
}

/** SHA-256 of a file's bytes, as the cost ledger stores it for an imported catalog. */
export const fileSha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Waits until trace-ingest's record holds every accepted span of every sample trace; returns the trace and span counts. */
export async function waitForTraceRecord(client: ServiceClient, files: SampleTraceFile[], acceptedByFile: Map<string, number>, timeoutMs: number): Promise<{ traces: number; spans: number }> {
  let traces = 0;
  let spans = 0;
  for (const f of files) {
    const expected = acceptedByFile.get(f.file) ?? 0;
    const counted = await pollUntil(
      `${expected} spans of ${f.file} in the trace record`,
      async () => {
        let sum = 0;
        let found = 0;
        for (const traceId of f.traceIds) {
          const { status, body } = await client.call<{ trace: { spanCount: number } }>('traceIngest', `/v1/traces/${traceId}`, { role: 'platform', accept: [404] });
          if (status === 200) {
            sum += body.trace.spanCount;
            found += 1;
          }
        }
        return { sum, found };
      },
      (c) => c.sum >= expected,
      timeoutMs,
      'traces',
    );
    traces += counted.found;
    spans += counted.sum;
  }
  return { traces, spans };
}
