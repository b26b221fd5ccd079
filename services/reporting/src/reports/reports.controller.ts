import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBooleanString, IsIn, IsOptional, IsString } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@estate/access';
import { ReportDocument, reportToHtml, reportToMarkdown, workflowsToCsv } from '@estate/reporting-model';
import { CurrentPrincipal } from '@estate/service-kit';
import { reportPeriod } from './report-period';
import { ReportService } from './report.service';

export const EXPORT_FORMATS = ['json', 'csv', 'markdown', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

export class PeriodQuery {
  @ApiPropertyOptional({ description: 'Start of the period, inclusive (ISO 8601); defaults to 30 days before `to`' }) @IsOptional() @IsString() from?: string;
  @ApiPropertyOptional({ description: 'End of the period, exclusive (ISO 8601); defaults to now' }) @IsOptional() @IsString() to?: string;
  @ApiPropertyOptional({ description: 'true: the whole history up to `to`, with no 366-day cap; `from` must then be left out', enum: ['true', 'false'] })
  @IsOptional() @IsBooleanString() all?: string;
}

/** Resolves a period query, with `all=true` as the uncapped whole history. */
const periodOf = (query: PeriodQuery) => reportPeriod(query.from, query.to, new Date(), query.all === 'true');

export class ExportQuery extends PeriodQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json' }) @IsOptional() @IsIn(EXPORT_FORMATS) format?: ExportFormat;
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
export class ReportsController {
  constructor(private readonly reports: ReportService) {}

  /** Riskiest and costliest workflows, what changed since the previous period, exceptions ending soon, asset gaps, budgets at risk. */
  @Get('leadership')
  leadership(@Query() query: PeriodQuery, @CurrentPrincipal() principal: Principal) {
    return this.reports.leadership({ tenantId: principal.tenantId, ...periodOf(query) });
  }

  /** The first-90-days scorecard as measured shares, each with its numerator and denominator. */
  @Get('scorecard')
  scorecard(@Query() query: PeriodQuery, @CurrentPrincipal() principal: Principal) {
    return this.reports.scorecard({ tenantId: principal.tenantId, ...periodOf(query) });
  }

  /** Per-workflow figures joined across traces, costs, decisions, approvals, exceptions, reach and spend signals. */
  @Get('workflows')
  async workflows(@Query() query: PeriodQuery, @CurrentPrincipal() principal: Principal) {
    const report = await this.reports.leadership({ tenantId: principal.tenantId, ...periodOf(query) });
    return { period: report.period, workflows: report.workflows };
  }

  /** The leadership report and scorecard as one document: JSON, CSV (one row per workflow), Markdown, or printable HTML with charts. */
  @Get('export')
  async export(@Query() query: ExportQuery, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const doc = await this.reports.document({ tenantId: principal.tenantId, ...periodOf(query) });
    const format = query.format ?? 'json';
    reply.header('content-type', EXPORT_CONTENT_TYPES[format]);
    return renderExport(doc, format);
  }
}

/** Renders the report document in one export format. CSV contains the per-workflow table only. */
export function renderExport(doc: ReportDocument, format: ExportFormat): string {
  if (format === 'json') return JSON.stringify(doc);
  if (format === 'csv') return workflowsToCsv(doc.leadership.workflows);
  return format === 'markdown' ? reportToMarkdown(doc) : reportToHtml(doc);
}
