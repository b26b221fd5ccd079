import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@estate/access';
import { createEnvelope, EvidenceLinks, IncidentRecordedV1, ReviewRecordedV1 } from '@estate/contracts';
import { EventPublisher } from '@estate/kafka';
import { AppError, EVENT_PUBLISHER, SERVICE_LOGGER } from '@estate/service-kit';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { SERVICE_NAME } from '../config';
import { LinksRequest, RecordIncidentRequest, RecordReviewRequest } from './record.dto';

export interface RecordAccepted {
  id: string;
  type: 'incident' | 'review';
  /** Path of the record, readable once the reporting projection has applied it (usually within a second). */
  location: string;
}

const links = (l: LinksRequest | undefined): EvidenceLinks => ({
  traceIds: l?.traceIds ?? [],
  assetIds: l?.assetIds ?? [],
  decisionIds: l?.decisionIds ?? [],
  approvalIds: l?.approvalIds ?? [],
  workflows: l?.workflows ?? [],
});

/** The person named in the request, if any, with the API key that recorded it, so the record names who acted. */
const recorder = (principal: Principal, named: string | undefined) => (named ? `${named} (api-key:${principal.keyId})` : `api-key:${principal.keyId}`);

/** Rejects an incident detected before it occurred, or either time more than a minute in the future (clock skew). */
function checkIncidentTimes(request: RecordIncidentRequest): void {
  const latest = Date.now() + 60_000;
  if (Date.parse(request.occurredAt) > latest) throw new AppError('invalid_argument', `occurredAt ${request.occurredAt} is in the future; give when the incident began`, 'occurredAt');
  if (Date.parse(request.detectedAt) > latest) throw new AppError('invalid_argument', `detectedAt ${request.detectedAt} is in the future; give when the incident was noticed`, 'detectedAt');
  if (Date.parse(request.detectedAt) < Date.parse(request.occurredAt)) {
    throw new AppError('invalid_argument', `detectedAt ${request.detectedAt} is before occurredAt ${request.occurredAt}; an incident is noticed after it begins`, 'detectedAt');
  }
}

/** Appends incidents and reviews as events; the reporting projection turns them into readable records. */
@Injectable()
export class RecordCommands {
  constructor(
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async recordIncident(principal: Principal, request: RecordIncidentRequest): Promise<RecordAccepted> {
    checkIncidentTimes(request);
    const incidentId = uuidv7();
    const payload = {
      incidentId, title: request.title, recordedBy: recorder(principal, request.recordedBy), severity: request.severity,
      occurredAt: request.occurredAt, detectedAt: request.detectedAt, ownerTeam: request.ownerTeam, summary: request.summary,
      findings: request.findings, decisions: request.decisions, links: links(request.links),
    };
    await this.publisher.publish([
      createEnvelope({ type: IncidentRecordedV1.type, schemaVersion: 1, tenantId: principal.tenantId, producer: SERVICE_NAME, key: incidentId, payload }),
    ]);
    this.logger.info({ tenantId: principal.tenantId, incidentId, keyId: principal.keyId }, 'incident recorded');
    return { id: incidentId, type: 'incident', location: `/v1/incidents/${incidentId}` };
  }

  async recordReview(principal: Principal, request: RecordReviewRequest): Promise<RecordAccepted> {
    const reviewId = uuidv7();
    const payload = {
      reviewId, title: request.title, recordedBy: recorder(principal, request.recordedBy), area: request.area,
      reviewedAt: request.reviewedAt, cadenceDays: request.cadenceDays, findings: request.findings, decisions: request.decisions,
      links: links(request.links),
    };
    await this.publisher.publish([
      createEnvelope({ type: ReviewRecordedV1.type, schemaVersion: 1, tenantId: principal.tenantId, producer: SERVICE_NAME, key: reviewId, payload }),
    ]);
    this.logger.info({ tenantId: principal.tenantId, reviewId, area: request.area, keyId: principal.keyId }, 'review recorded');
    return { id: reviewId, type: 'review', location: `/v1/reviews/${reviewId}` };
  }
}
