import { Body, Controller, Headers, HttpCode, Inject, OnModuleInit, Post } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@estate/access';
import { AllowRoles, AppError, CurrentPrincipal } from '@estate/service-kit';
import type { FastifyInstance } from 'fastify';
import { SpanIngestor } from '../ingest/span-ingestor';
import { MalformedPayloadError } from '../otlp/decoded';
import { SPAN_INGESTOR } from '../otlp/otlp-receivers';
import { partialSuccessMessage } from '../otlp/receiver-errors';
import { parseTraceDocument, parseTraceFile } from './file-formats';

/**
 * Backfills history from trace files. JSON documents are sent as
 * application/json; OTLP/JSON lines as application/x-ndjson or text/plain.
 * The whole file is accepted or rejected as one request, under the same
 * limits as an OTLP request; split larger files (the CLI does).
 */
@ApiTags('traces')
@ApiBearerAuth()
@Controller('v1/traces/import')
export class TraceImportController implements OnModuleInit {
  constructor(
    @Inject(SPAN_INGESTOR) private readonly ingestor: SpanIngestor,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser('application/x-ndjson')) {
      fastify.addContentTypeParser(['application/x-ndjson', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
    }
  }

  @Post()
  @HttpCode(200)
  @AllowRoles('ingest')
  @ApiOperation({ summary: 'Import a trace file: OTLP/JSON, OTLP/JSON lines, ReadableSpan dumps or a Langfuse trace export' })
  async import(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Headers('content-type') contentType?: string) {
    let parsed;
    try {
      parsed = typeof body === 'string' ? parseTraceFile(body) : parseTraceDocument(body);
    } catch (error) {
      if (error instanceof MalformedPayloadError) throw new AppError('invalid_argument', error.message, error.path);
      throw error;
    }
    if (parsed.batch.spans.length === 0 && parsed.batch.rejected.length === 0) {
      throw new AppError('invalid_argument', `the ${contentType ?? 'request'} body contains no spans`);
    }
    const result = await this.ingestor.ingest(principal.tenantId, 'file-import', parsed.batch);
    return {
      format: parsed.format,
      acceptedSpans: result.accepted,
      rejectedSpans: result.rejected.length,
      errorMessage: partialSuccessMessage(result.rejected, result.warnings) || undefined,
    };
  }
}
