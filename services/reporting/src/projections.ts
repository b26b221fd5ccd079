import path from 'node:path';
import { Topics } from '@estate/contracts';
import { Projection } from '@estate/projection';
import { ApprovalFactsProjection } from './facts/approval-facts.projection';
import { BudgetFactsProjection } from './facts/budget-facts.projection';
import { CostFactsProjection } from './facts/cost-facts.projection';
import { DecisionFactsProjection } from './facts/decision-facts.projection';
import { InventoryFactsProjection } from './facts/inventory-facts.projection';
import { Pricer } from './facts/pricer';
import { RecordFactsProjection } from './facts/record-facts.projection';
import { TraceFactsProjection } from './facts/trace-facts.projection';

/** The topics the reporting read models follow; tests pass per-run copies where the contracts accept them. */
export interface ReportingTopics {
  spans: string;
  runtimeObservations: string;
  usage: string;
  costEvents: string;
  policyDecisions: string;
  approvalEvents: string;
  inventoryEvents: string;
  reportingEvents: string;
}

export const DEFAULT_TOPICS: ReportingTopics = {
  spans: Topics.spans,
  runtimeObservations: Topics.runtimeObservations,
  usage: Topics.usage,
  costEvents: Topics.costEvents,
  policyDecisions: Topics.policyDecisions,
  approvalEvents: Topics.approvalEvents,
  inventoryEvents: Topics.inventoryEvents,
  reportingEvents: Topics.reportingEvents,
};

/** The price list shipped with Estate, which the cost ledger also loads by default. */
export const SHIPPED_CATALOG = path.join(__dirname, '..', '..', '..', 'data', 'pricing', 'litellm-model-prices.json');

export function reportingProjections(topics: ReportingTopics = DEFAULT_TOPICS, catalogPath = SHIPPED_CATALOG): Projection[] {
  return [
    new TraceFactsProjection([topics.spans]),
    new CostFactsProjection([topics.spans, topics.usage], new Pricer(catalogPath)),
    new BudgetFactsProjection([topics.costEvents]),
    new DecisionFactsProjection([topics.policyDecisions]),
    new ApprovalFactsProjection([topics.approvalEvents]),
    new InventoryFactsProjection([topics.inventoryEvents, topics.runtimeObservations]),
    new RecordFactsProjection([topics.reportingEvents]),
  ];
}

/** The live projections, for the service and for `tools/rebuild.ts reporting <name>`. */
export const projections: Projection[] = reportingProjections();
