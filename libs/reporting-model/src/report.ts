import { ActivitySummary } from './activity';
import { WorkflowChange } from './changes';
import { Coverage, DecimalString, Period, WorkflowFigures } from './figures';
import { RiskScore } from './ranking';

export interface ExceptionEndingSoon {
  windowId: string;
  owner: string | null;
  endsAt: string;
  policyIds: string[];
  principalId: string | null;
  resourceId: string | null;
  reason: string | null;
}

export interface AssetGap {
  assetId: string;
  kind: string;
  name: string;
  environment: string | null;
  missing: Array<'owner' | 'classification'>;
}

export interface BudgetAtRisk {
  budgetId: string;
  name: string;
  state: string;
  periodKey: string | null;
  spent: DecimalString | null;
  softLimit: DecimalString | null;
  hardLimit: DecimalString | null;
  thresholdPercent: number | null;
}

export interface UngatedReachPath {
  workflow: string;
  /** Asset names from the workflow to the dataset, in order. */
  path: string[];
  dataset: string;
  classification: string;
}

export interface LeadershipReport {
  tenantId: string;
  period: Period;
  /** The equally long period before this one; null for an all-time report, which has no earlier period to compare with. */
  previousPeriod: Period | null;
  generatedAt: string;
  totals: { calls: number; errors: number; tokens: number; cost: DecimalString; unpricedCalls: number };
  workflows: WorkflowFigures[];
  riskiest: RiskScore[];
  costliest: Array<{ workflow: string; cost: DecimalString; tokens: number }>;
  changes: WorkflowChange[];
  exceptionsEndingSoon: ExceptionEndingSoon[];
  assetGaps: AssetGap[];
  budgetsAtRisk: BudgetAtRisk[];
  ungatedReachPaths: UngatedReachPath[];
  costByDay: Array<{ day: string; cost: DecimalString }>;
  decisionsByOutcome: { allow: number; deny: number; requireApproval: number };
  activity: ActivitySummary;
}

export const SCORECARD_MEASURES = [
  'inventoryCoverage',
  'ownershipCoverage',
  'classificationCoverage',
  'policyContextCoverage',
  'attributableSpend',
  'exceptionsWithOwnerAndEnd',
  'reviewsOnCadence',
] as const;
export type ScorecardMeasure = (typeof SCORECARD_MEASURES)[number];

export const SCORECARD_LABELS: Readonly<Record<ScorecardMeasure, string>> = {
  inventoryCoverage: 'Runtime-seen assets that are registered',
  ownershipCoverage: 'Registered assets with an owner',
  classificationCoverage: 'Registered assets with a data classification',
  policyContextCoverage: 'Workflows whose traces all carry policy context',
  attributableSpend: 'Spend attributable to a workflow',
  exceptionsWithOwnerAndEnd: 'Exception windows with an owner and an end',
  reviewsOnCadence: 'Governance areas reviewed on cadence',
};

export interface AreaReview {
  area: string;
  lastReviewId: string | null;
  lastReviewedAt: string | null;
  dueAt: string | null;
  onCadence: boolean;
}

export interface Scorecard {
  tenantId: string;
  period: Period;
  generatedAt: string;
  /** Spend shares are counted in micro-USD so they stay whole numbers. */
  measures: Record<ScorecardMeasure, Coverage>;
  reviews: AreaReview[];
}

/** Everything one exported report holds. */
export interface ReportDocument {
  leadership: LeadershipReport;
  scorecard: Scorecard;
}
