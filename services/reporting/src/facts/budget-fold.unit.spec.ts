import { createEnvelope } from '@estate/contracts';
import { foldBudgets } from './budget-facts.projection';

const budgetId = '0190a5d0-0000-7000-8000-000000000001';
const scope = { team: 'claims' };
const event = (type: string, payload: object) => createEnvelope({ type, schemaVersion: 1, tenantId: 't1', producer: 'test', key: budgetId, payload });

describe('foldBudgets', () => {
  it('keeps the definition and the latest state and spend', () => {
    const [budget] = foldBudgets([
      event('cost.budget.defined', { budgetId, name: 'claims', scope, period: 'month', softLimit: '10', hardLimit: '20', thresholds: [80], definedBy: 'f' }),
      event('cost.budget.threshold-crossed', { budgetId, periodKey: 'p1', scope, spent: '8', thresholdPercent: 80, limit: '10' }),
      event('cost.budget.state-changed', { budgetId, periodKey: 'p1', scope, spent: '12', state: 'soft_limit', previousState: 'ok' }),
    ]);
    expect(budget.definition).toMatchObject({ name: 'claims', soft_limit: '10', hard_limit: '20' });
    expect(budget).toMatchObject({ state: 'soft_limit', spent: '12', period_key: 'p1', threshold_percent: 80 });
  });

  it('leaves the state unset when the batch only crossed a threshold', () => {
    const [budget] = foldBudgets([event('cost.budget.threshold-crossed', { budgetId, periodKey: 'p2', scope, spent: '5', thresholdPercent: 50, limit: '10' })]);
    expect(budget.state).toBeUndefined();
    expect(budget.definition).toBeUndefined();
    expect(budget.spent).toBe('5');
  });
});
