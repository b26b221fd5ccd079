import { formatMoney, money, Money } from './money';
import { addScaled, compareScaled, formatScaled, formatScaledFixed, multiplyScaled, parseScaled, SCALED_ZERO } from './scaled-decimal';

// A fixed linear congruential sequence, so a failure reproduces.
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const PRICE_TEXTS = ['0', '2.5e-06', '0.0000025', '1e-07', '1.25E-6', '0.04', '3', '15', '1.5e+2', '7.5e-7', '0.000000123456789', '-2e-06', '6e-06', '0.005'];

describe('scaled decimals', () => {
  it('formats parsed literals as decimal.js does', () => {
    for (const text of [...PRICE_TEXTS, '100', '0.10', '1e3', '120.000', '-0.5']) {
      expect([text, formatScaled(parseScaled(text))]).toEqual([text, formatMoney(money(text))]);
    }
  });

  it('matches decimal.js on products and sums', () => {
    const next = sequence(7);
    for (let call = 0; call < 2000; call += 1) {
      let scaled = SCALED_ZERO;
      let exact: Money = money('0');
      for (let line = 0; line < 5; line += 1) {
        const price = PRICE_TEXTS[Math.floor(next() * PRICE_TEXTS.length)];
        const count = call % 97 === 0 ? Math.floor(next() * 1e15) : Math.floor(next() * 300_000);
        const amount = multiplyScaled(parseScaled(price), count);
        expect([price, count, formatScaled(amount)]).toEqual([price, count, formatMoney(money(price).times(count))]);
        scaled = addScaled(scaled, amount);
        exact = exact.plus(money(price).times(count));
      }
      expect(formatScaled(scaled)).toBe(formatMoney(exact));
    }
  });

  it('multiplies by a fractional count exactly', () => {
    expect(formatScaled(multiplyScaled(parseScaled('2.5e-06'), 1.5))).toBe('0.00000375');
    expect(formatScaled(multiplyScaled(parseScaled('3'), 1e21))).toBe(formatMoney(money('3').times(1e21)));
  });

  it('compares across scales', () => {
    expect(compareScaled(parseScaled('0.999999'), parseScaled('1'))).toBe(-1);
    expect(compareScaled(parseScaled('1.0000'), parseScaled('1'))).toBe(0);
    expect(compareScaled(parseScaled('1.5'), parseScaled('1.25'))).toBe(1);
    expect(compareScaled(parseScaled('-2'), parseScaled('0.0001'))).toBe(-1);
  });

  it('keeps trailing zeros at a fixed scale', () => {
    expect(formatScaledFixed(addScaled(parseScaled('0.0031'), parseScaled('0.0019')))).toBe('0.0050');
    expect(formatScaledFixed(parseScaled('12'))).toBe('12');
    expect(formatScaledFixed(parseScaled('0.000001'))).toBe('0.000001');
    expect(formatScaledFixed({ units: -5n, scale: 3 })).toBe('-0.005');
  });

  it('rejects text that is not a decimal', () => {
    for (const text of ['', 'abc', '1.', '.5', 'NaN', 'Infinity', '1e', '01']) {
      expect(() => parseScaled(text)).toThrow(`"${text}" is not a decimal number`);
    }
  });
});
