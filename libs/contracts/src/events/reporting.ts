import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';

/** The governance areas a RACI table and a review cover. Wire values: add areas at the end, never rename one. */
export const GOVERNANCE_AREAS = ['inventory-quality', 'runtime-policy', 'approval-design', 'trace-review', 'token-governance'] as const;
export type GovernanceArea = (typeof GOVERNANCE_AREAS)[number];

/** How a team takes part in an area: leads it (accountable), shares the work (responsible) or reviews it (consulted). */
export const RACI_PARTS = ['leads', 'shares', 'reviews'] as const;
export type RaciPart = (typeof RACI_PARTS)[number];

export const INCIDENT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

const MAX_LINKS = 200;

/** The facts an evidence record concerns, by the identifiers the other services use. */
export class EvidenceLinks {
  @IsArray() @ArrayMaxSize(MAX_LINKS) @IsString({ each: true }) traceIds!: string[];
  @IsArray() @ArrayMaxSize(MAX_LINKS) @IsString({ each: true }) assetIds!: string[];
  @IsArray() @ArrayMaxSize(MAX_LINKS) @IsString({ each: true }) decisionIds!: string[];
  @IsArray() @ArrayMaxSize(MAX_LINKS) @IsString({ each: true }) approvalIds!: string[];
  @IsArray() @ArrayMaxSize(MAX_LINKS) @IsString({ each: true }) workflows!: string[];
}

/** Who recorded what was found and what was decided; shared by incidents and reviews. */
class EvidenceRecord {
  @IsString() @IsNotEmpty() @MaxLength(300) title!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) recordedBy!: string;
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(4000, { each: true }) findings!: string[];
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(4000, { each: true }) decisions!: string[];
  @IsObject() @ValidateNested() @Type(() => EvidenceLinks) links!: EvidenceLinks;
}

export class IncidentRecorded extends EvidenceRecord {
  @IsUUID() incidentId!: string;
  @IsIn(INCIDENT_SEVERITIES) severity!: IncidentSeverity;
  /** When the incident began, as far as the investigator knows. */
  @IsISO8601({ strict: true }) occurredAt!: string;
  @IsISO8601({ strict: true }) detectedAt!: string;
  @IsOptional() @IsString() @MaxLength(200) ownerTeam?: string;
  @IsString() @MaxLength(8000) summary!: string;
}

export class ReviewRecorded extends EvidenceRecord {
  @IsUUID() reviewId!: string;
  @IsIn(GOVERNANCE_AREAS) area!: GovernanceArea;
  @IsISO8601({ strict: true }) reviewedAt!: string;
  /** Days until the area is due for its next review; the scorecard counts an area on cadence until then. */
  @IsInt() @Min(1) @Max(366) cadenceDays!: number;
}

export class RaciAssignment {
  @IsString() @IsNotEmpty() @MaxLength(200) team!: string;
  @IsIn(RACI_PARTS) part!: RaciPart;
}

/** A tenant's whole RACI row for one area; the latest event for an area replaces the row. */
export class RaciAssigned {
  @IsIn(GOVERNANCE_AREAS) area!: GovernanceArea;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => RaciAssignment) assignments!: RaciAssignment[];
  @IsString() @IsNotEmpty() assignedBy!: string;
}

// Tests write to per-run copies (`<topic>.<suffix>`) so they never replay shared history.
const perRunCopy = (topic: string) => topic.startsWith(`${Topics.reportingEvents}.`);

export const IncidentRecordedV1 = defineEvent({
  type: 'reporting.incident.recorded',
  version: 1,
  topic: Topics.reportingEvents,
  acceptsTopic: perRunCopy,
  payload: IncidentRecorded,
  partitionKey: (p) => p.incidentId,
  description: 'An incident was recorded with what was found and decided, linked to the traces, assets, decisions and approvals it concerns.',
});

export const ReviewRecordedV1 = defineEvent({
  type: 'reporting.review.recorded',
  version: 1,
  topic: Topics.reportingEvents,
  acceptsTopic: perRunCopy,
  payload: ReviewRecorded,
  partitionKey: (p) => p.reviewId,
  description: 'A governance review of one area took place, with its findings, decisions and the days until the next one is due.',
});

export const RaciAssignedV1 = defineEvent({
  type: 'reporting.raci.assigned',
  version: 1,
  topic: Topics.reportingEvents,
  acceptsTopic: perRunCopy,
  payload: RaciAssigned,
  partitionKey: (p) => p.area,
  description: 'A tenant set which teams lead, share or review one governance area.',
});
