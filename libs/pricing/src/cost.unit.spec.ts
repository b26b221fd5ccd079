import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PricingResult, priceUsage } from './cost';
import { parseLiteLlmCatalog } from './litellm-catalog';
import { formatMoney, money, ZERO } from './money';
import { NO_USAGE, PriceEntry, UsageQuantities } from './price-model';

// Expected amounts below are worked out by hand from the shipped catalog's prices (USD per token), written in each test.
const catalog = parseLiteLlmCatalog(readFileSync(path.join(__dirname, '../../../data/pricing/litellm-model-prices.json'), 'utf8'));
const byModel = new Map(catalog.entries.map((e) => [e.model, e]));

function entry(model: string): PriceEntry {
  const found = byModel.get(model);
  if (!found) throw new Error(`${model} is not in the shipped catalog`);
  return found;
}

const usage = (counts: Partial<UsageQuantities>): UsageQuantities => ({ ...NO_USAGE, ...counts });

function costOf(result: PricingResult): string {
  if (!result.priced) throw new Error(`expected a price, got: ${result.reason}`);
  return result.cost;
}

describe('priceUsage', () => {
  it('adds cached reads beside uncached input', () => {
    // gpt-4o: input 2.5e-06, cache read 1.25e-06, output 1e-05.
    // 1000 × 0.0000025 + 500 × 0.00000125 + 200 × 0.00001 = 0.0025 + 0.000625 + 0.002
    const result = priceUsage(entry('gpt-4o'), usage({ input: 1000, cachedInput: 500, output: 200 }));
    expect(costOf(result)).toBe('0.005125');
  });

  it('bills cache creation at 5-minute and 1-hour rates', () => {
    // claude-sonnet-4-5: input 3e-06, cache read 3e-07, write 5m 3.75e-06, write 1h 6e-06, output 1.5e-05.
    // 0.03 + 0.015 + 0.0075 + 0.006 + 0.045
    const result = priceUsage(
      entry('claude-sonnet-4-5'),
      usage({ input: 10_000, cachedInput: 50_000, cacheCreation: 2000, cacheCreation1h: 1000, output: 3000 }),
    );
    expect(costOf(result)).toBe('0.1035');
  });

  it('switches to the tier above 200k prompt tokens', () => {
    // Prompt = 150,000 + 60,000 cached = 210,000 > 200,000: input 6e-06, cache read 6e-07, output 2.25e-05.
    // 0.9 + 0.036 + 0.0225
    const result = priceUsage(entry('claude-sonnet-4-5'), usage({ input: 150_000, cachedInput: 60_000, output: 1000 }));
    expect(costOf(result)).toBe('0.9585');
    expect(result.priced && result.tierAboveInputTokens).toBe(200_000);
  });

  it('keeps base prices at exactly the threshold', () => {
    // 200,000 is not above 200,000: 140,000 × 3e-06 + 60,000 × 3e-07 = 0.42 + 0.018
    const result = priceUsage(entry('claude-sonnet-4-5'), usage({ input: 140_000, cachedInput: 60_000 }));
    expect(costOf(result)).toBe('0.438');
    expect(result.priced && result.tierAboveInputTokens).toBeNull();
  });

  it('prices a tiered_pricing range', () => {
    // dashscope/qwen-flash above 256,000: input 2.5e-07, output 2e-06. 0.075 + 0.002
    expect(costOf(priceUsage(entry('dashscope/qwen-flash'), usage({ input: 300_000, output: 1000 })))).toBe('0.077');
  });

  it('bills reasoning inside output at its own price', () => {
    // gemini/gemini-2.5-flash: input 3e-07, output 2.5e-06, reasoning 2.5e-06.
    // 2000 × 0.0000003 + 400 × 0.0000025 + 600 × 0.0000025
    const result = priceUsage(entry('gemini/gemini-2.5-flash'), usage({ input: 2000, output: 1000, reasoning: 600 }));
    expect(costOf(result)).toBe('0.0031');
    expect(result.priced && result.lines.map((l) => [l.priceClass, l.quantity])).toEqual([
      ['input', 2000],
      ['output', 400],
      ['reasoning', 600],
    ]);
  });

  it('bills reasoning as output without a reasoning price', () => {
    // o3-mini: input 1.1e-06, output 4.4e-06; the 800 reasoning tokens are inside the 1000 output tokens.
    // 100 × 0.0000011 + 1000 × 0.0000044 = 0.00011 + 0.0044
    expect(costOf(priceUsage(entry('o3-mini'), usage({ input: 100, output: 1000, reasoning: 800 })))).toBe('0.00451');
  });

  it('bills audio tokens inside input and output', () => {
    // gpt-4o-audio-preview: text in 2.5e-06, audio in 4e-05, text out 1e-05, audio out 8e-05.
    // 600 × 0.0000025 + 400 × 0.00004 + 50 × 0.00001 + 50 × 0.00008 = 0.0015 + 0.016 + 0.0005 + 0.004
    const result = priceUsage(entry('gpt-4o-audio-preview'), usage({ input: 1000, audioInput: 400, output: 100, audioOutput: 50 }));
    expect(costOf(result)).toBe('0.022');
  });

  it('applies batch prices', () => {
    // gpt-4o batch: input 1.25e-06, output 5e-06. 0.00125 + 0.005
    expect(costOf(priceUsage(entry('gpt-4o'), usage({ input: 1000, output: 1000 }), { batch: true }))).toBe('0.00625');
  });

  it('charges per request and per image', () => {
    // perplexity/pplx-70b-online: 0.005 per request, input 0, output 2.8e-06. 0 + 0.0028 + 0.005
    expect(costOf(priceUsage(entry('perplexity/pplx-70b-online'), usage({ input: 10, output: 1000 })))).toBe('0.0078');
    // dall-e-3: 0.04 per input image, 3 images.
    expect(costOf(priceUsage(entry('dall-e-3'), usage({ imagesInput: 3 })))).toBe('0.12');
  });

  it('keeps exact decimals where binary floats drift', () => {
    // gemini-2.0-flash input 1e-07: 3 tokens is 3e-07 exactly, where 3 * 1e-7 in doubles is 3.0000000000000004e-7.
    expect(costOf(priceUsage(entry('gemini-2.0-flash'), usage({ input: 3 })))).toBe('0.0000003');
  });

  it('leaves a call unpriced when a used class has no price', () => {
    // gpt-4o has no per-image price; charging nothing would hide the images.
    const result = priceUsage(entry('gpt-4o'), usage({ input: 10, imagesOutput: 2 }));
    expect(result).toEqual({ priced: false, reason: 'gpt-4o has no image_output price for 2 unit(s)' });
  });

  it('agrees with decimal.js on every catalog entry', () => {
    const counts = usage({ input: 123_457, cachedInput: 98_765, cacheCreation: 4321, cacheCreation1h: 17, output: 54_321, reasoning: 999, audioInput: 77, audioOutput: 5 });
    let checked = 0;
    for (const catalogEntry of catalog.entries) {
      for (const batch of [false, true]) {
        const result = priceUsage(catalogEntry, counts, { batch });
        if (!result.priced) continue;
        for (const line of result.lines) {
          expect([catalogEntry.model, line.priceClass, line.amount]).toEqual([catalogEntry.model, line.priceClass, formatMoney(money(line.unitPrice).times(line.quantity))]);
        }
        const total = result.lines.reduce((sum, line) => sum.plus(money(line.amount)), ZERO);
        expect([catalogEntry.model, result.cost]).toEqual([catalogEntry.model, formatMoney(total)]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
