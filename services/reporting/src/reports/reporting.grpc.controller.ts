import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { ApiKeyStore, Principal } from '@estate/access';
import { validatePlain } from '@estate/contracts';
import { SCORECARD_MEASURES, WorkflowFigures } from '@estate/reporting-model';
import { API_KEY_STORE, AppError, AppErrorCode, authenticateHeader, checkRole, Public } from '@estate/service-kit';
import { reportPeriod } from './report-period';
import { ReportService } from './report.service';
import { ExportQuery, EXPORT_CONTENT_TYPES, renderExport } from './reports.controller';

const SERVICE = 'ReportingService';

/** gRPC status for every AppError code; a full record, so a new code cannot go unmapped. */
const GRPC_STATUS: Record<AppErrorCode, GrpcStatus> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  forbidden: GrpcStatus.PERMISSION_DENIED,
  not_found: GrpcStatus.NOT_FOUND,
  conflict: GrpcStatus.ALREADY_EXISTS,
  version_conflict: GrpcStatus.ABORTED,
  payload_too_large: GrpcStatus.RESOURCE_EXHAUSTED,
  unsupported_media_type: GrpcStatus.INVALID_ARGUMENT,
  method_not_allowed: GrpcStatus.UNIMPLEMENTED,
  unavailable: GrpcStatus.UNAVAILABLE,
  internal: GrpcStatus.INTERNAL,
};

interface PeriodMessage {
  from?: string;
  to?: string;
}

const workflowMessage = (f: WorkflowFigures) => ({
  workflow: f.workflow, owner: f.owner ?? '', calls: f.calls, errors: f.errors, error_rate: f.errorRate,
  latency: { p50_ms: f.latencyMs.p50 ?? 0, p95_ms: f.latencyMs.p95 ?? 0, p99_ms: f.latencyMs.p99 ?? 0, measured: f.latencyMs.p50 !== null },
  tokens: f.tokens, cost: f.cost, unpriced_calls: f.unpricedCalls, decisions_allow: f.decisions.allow, decisions_deny: f.decisions.deny,
  decisions_require_approval: f.decisions.requireApproval, approvals_waiting: f.approvals.waiting, approvals_decided: f.approvals.decided,
  open_exception_windows: f.openExceptionWindows, ungated_sensitive_reach_paths: f.ungatedSensitiveReachPaths, spend_signals: f.spendSignals,
});

/**
 * gRPC edge of the reports. The HTTP guard cannot read gRPC metadata, so
 * each method is public to it and authenticates the `authorization`
 * metadata itself with the same key store and roles as REST.
 */
@Controller()
export class ReportingGrpcController {
  constructor(
    private readonly reports: ReportService,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
  ) {}

  @Public()
  @GrpcMethod(SERVICE, 'GetWorkflowFigures')
  getWorkflowFigures(request: PeriodMessage, metadata: Metadata) {
    return this.handle(metadata, async (principal) => {
      const report = await this.reports.leadership({ tenantId: principal.tenantId, ...reportPeriod(request.from, request.to, new Date()) });
      return { from: report.period.from, to: report.period.to, workflows: report.workflows.map(workflowMessage) };
    });
  }

  @Public()
  @GrpcMethod(SERVICE, 'GetScorecard')
  getScorecard(request: PeriodMessage, metadata: Metadata) {
    return this.handle(metadata, async (principal) => {
      const card = await this.reports.scorecard({ tenantId: principal.tenantId, ...reportPeriod(request.from, request.to, new Date()) });
      return {
        from: card.period.from,
        to: card.period.to,
        measures: SCORECARD_MEASURES.map((name) => {
          const m = card.measures[name];
          return { name, numerator: m.numerator, denominator: m.denominator, share: m.share ?? 0, measured: m.share !== null };
        }),
        reviews: card.reviews.map((r) => ({
          area: r.area, last_review_id: r.lastReviewId ?? '', last_reviewed_at: r.lastReviewedAt ?? '', due_at: r.dueAt ?? '', on_cadence: r.onCadence,
        })),
      };
    });
  }

  @Public()
  @GrpcMethod(SERVICE, 'ExportReport')
  exportReport(request: PeriodMessage & { format?: string }, metadata: Metadata) {
    return this.handle(metadata, async (principal) => {
      const checked = validatePlain(ExportQuery, { from: request.from || undefined, to: request.to || undefined, format: request.format || undefined });
      if (!checked.value) throw new AppError('invalid_argument', checked.issues.map((i) => `${i.field}: ${i.message}`).join('; '), checked.issues[0]?.field);
      const format = checked.value.format ?? 'json';
      const doc = await this.reports.document({ tenantId: principal.tenantId, ...reportPeriod(checked.value.from, checked.value.to, new Date()) });
      return { content_type: EXPORT_CONTENT_TYPES[format], content: renderExport(doc, format) };
    });
  }

  private async handle<T>(metadata: Metadata, work: (principal: Principal) => Promise<T>): Promise<T> {
    try {
      const principal = await authenticateHeader(this.keys, metadata.get('authorization')[0]?.toString());
      checkRole(principal, undefined);
      return await work(principal);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      throw new RpcException({ code: GRPC_STATUS[error.code], message: error.field ? `${error.field}: ${error.message}` : error.message });
    }
  }
}
