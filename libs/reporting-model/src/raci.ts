import { GOVERNANCE_AREAS, GovernanceArea, RaciPart } from '@estate/contracts';

export interface RaciRow {
  area: GovernanceArea;
  assignments: Array<{ team: string; part: RaciPart }>;
  /** True when the tenant set this row; false for the default row. */
  configured: boolean;
}

/** The split a new tenant starts with; team names are the API-key roles, which a tenant replaces with its own teams. */
export const DEFAULT_RACI: Readonly<Record<GovernanceArea, Array<{ team: string; part: RaciPart }>>> = {
  'inventory-quality': [{ team: 'platform', part: 'leads' }, { team: 'ai-engineering', part: 'shares' }, { team: 'governance', part: 'reviews' }],
  'runtime-policy': [{ team: 'security', part: 'leads' }, { team: 'platform', part: 'shares' }, { team: 'governance', part: 'reviews' }],
  'approval-design': [{ team: 'governance', part: 'leads' }, { team: 'security', part: 'shares' }, { team: 'ai-engineering', part: 'reviews' }],
  'trace-review': [{ team: 'ai-engineering', part: 'leads' }, { team: 'platform', part: 'shares' }, { team: 'security', part: 'reviews' }],
  'token-governance': [{ team: 'finops', part: 'leads' }, { team: 'ai-engineering', part: 'shares' }, { team: 'platform', part: 'reviews' }],
};

/** Completes a tenant's configured rows with the default for every area it has not set. */
export function raciTable(configured: Map<GovernanceArea, Array<{ team: string; part: RaciPart }>>): RaciRow[] {
  return GOVERNANCE_AREAS.map((area) => {
    const own = configured.get(area);
    return own ? { area, assignments: own, configured: true } : { area, assignments: DEFAULT_RACI[area], configured: false };
  });
}
