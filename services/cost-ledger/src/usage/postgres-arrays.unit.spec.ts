import type { CostLine } from '@estate/pricing';
import { costLinesArrayLiteral, textArrayLiteral } from './postgres-arrays';

const lines: CostLine[] = [
  { priceClass: 'input', quantity: 1234, unitPrice: '0.0000025', amount: '0.003085' },
  { priceClass: 'cache_read', quantity: 0, unitPrice: '1.25e-6', amount: '0' },
];

describe('price breakdown literal', () => {
  it('matches JSON through the text path', () => {
    const rows = [lines, null, [], lines.slice(1)];
    expect(costLinesArrayLiteral(rows)).toBe(textArrayLiteral(rows.map((r) => (r === null ? null : JSON.stringify(r)))));
  });

  it('rejects text needing escapes', () => {
    expect(() => costLinesArrayLiteral([[{ ...lines[0], unitPrice: '1"2' }]])).toThrow('need no escaping in JSON');
  });
});
