import { readFileSync } from 'node:fs';
import path from 'node:path';
import { JsonNumber, parseExactJson } from './exact-json';
import { CatalogFormatError, parseLiteLlmCatalog } from './litellm-catalog';
import { PriceBook } from './price-book';

const SHIPPED = readFileSync(path.join(__dirname, '../../../data/pricing/litellm-model-prices.json'), 'utf8');

describe('parseExactJson', () => {
  it('keeps number literals as text', () => {
    const parsed = parseExactJson('{"price": 2.5e-06, "list": [1, -0.5]}') as Record<string, unknown>;
    expect(parsed.price).toEqual(new JsonNumber('2.5e-06'));
    expect(parsed.list).toEqual([new JsonNumber('1'), new JsonNumber('-0.5')]);
  });

  it('keeps the last value of a duplicate key', () => {
    expect(parseExactJson('{"a": 1, "a": 2}')).toEqual({ a: new JsonNumber('2') });
  });

  it('rejects malformed text with its position', () => {
    expect(() => parseExactJson('{"a": 1,}')).toThrow('at character 8');
    expect(() => parseExactJson('[1] 2')).toThrow('unexpected text after the JSON value');
  });
});

describe('parseLiteLlmCatalog', () => {
  const catalog = parseLiteLlmCatalog(SHIPPED);

  it('imports the shipped catalog', () => {
    expect(catalog.sha256).toBe('9cdbc982511111dbf85ea0d3ef491a6bae15162b8cb873dc45c3d9fcc290df4e');
    expect(catalog.entries.length).toBeGreaterThan(2000);
    expect(catalog.entries.find((e) => e.model === 'sample_spec')).toBeUndefined();
  });

  it('reads prices as exact decimals', () => {
    const sonnet = catalog.entries.find((e) => e.model === 'claude-sonnet-4-5');
    expect(sonnet?.prices).toEqual({
      input: '0.000003',
      output: '0.000015',
      cache_read: '0.0000003',
      cache_write_5m: '0.00000375',
      cache_write_1h: '0.000006',
    });
    expect(sonnet?.tiers).toEqual([
      {
        aboveInputTokens: 200_000,
        prices: { input: '0.000006', output: '0.0000225', cache_read: '0.0000006', cache_write_5m: '0.0000075', cache_write_1h: '0.000012' },
      },
    ]);
  });

  it('rejects a catalog with a malformed price and lists every problem', () => {
    const text = '{"m1": {"input_cost_per_token": "cheap"}, "m2": {"output_cost_per_token": -1e-6}, "m3": {"input_cost_per_token": 1e-6}}';
    let failure: unknown;
    try {
      parseLiteLlmCatalog(text);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(CatalogFormatError);
    expect((failure as CatalogFormatError).problems.map((p) => `${p.model}.${p.field}`)).toEqual(['m1.input_cost_per_token', 'm2.output_cost_per_token']);
  });

  it('lists entries without any billable price apart', () => {
    const parsed = parseLiteLlmCatalog('{"free-text": {"mode": "chat"}, "m": {"input_cost_per_token": 0}}');
    expect(parsed.withoutPrices).toEqual(['free-text']);
    expect(parsed.entries.map((e) => e.model)).toEqual(['m']);
  });
});

describe('model resolution', () => {
  const book = new PriceBook([{ versionId: 'v1', effectiveFrom: new Date(0), entries: parseLiteLlmCatalog(SHIPPED).entries }], [], {
    'my-router-default': 'gpt-4o-mini',
  });
  const resolve = (model: string, provider?: string) => {
    const found = book.priceAt('t', model, provider, new Date());
    return found && [found.entry.model, found.matchedBy];
  };

  it.each([
    ['gpt-4o', undefined, 'gpt-4o', 'exact'],
    ['GPT-4o', 'openai', 'gpt-4o', 'exact'],
    ['openai/gpt-4o', undefined, 'gpt-4o', 'prefix-stripped'],
    ['claude-sonnet-4-5-20250929', 'anthropic', 'claude-sonnet-4-5-20250929', 'exact'],
    ['gpt-4o-2099-01-01', 'openai', 'gpt-4o', 'snapshot'],
    ['gemini-2.5-flash', 'gcp.gemini', 'gemini/gemini-2.5-flash', 'provider-prefix'],
    ['models/gemini-2.5-pro', undefined, 'gemini-2.5-pro', 'exact'],
    ['my-router-default', undefined, 'gpt-4o-mini', 'alias'],
  ])('resolves %s from %s', (model, provider, expected, matchedBy) => {
    expect(resolve(model, provider)).toEqual([expected, matchedBy]);
  });

  it('returns null for an unknown model', () => {
    expect(resolve('house-model-7b', 'self-hosted')).toBeNull();
  });
});

describe('PriceBook effective dating', () => {
  const v1 = parseLiteLlmCatalog('{"m": {"input_cost_per_token": 1e-06}}').entries;
  const v2 = parseLiteLlmCatalog('{"m": {"input_cost_per_token": 2e-06}}').entries;
  const change = new Date('2025-06-15T12:00:00Z');
  const book = new PriceBook(
    [
      { versionId: 'v2', effectiveFrom: change, entries: v2 },
      { versionId: 'v1', effectiveFrom: new Date('2025-01-01T00:00:00Z'), entries: v1 },
    ],
    [{ overrideId: 'o1', tenantId: 'acme', model: 'm', effectiveFrom: new Date('2025-06-20T00:00:00Z'), prices: { input: '0.0000015' } }],
  );

  it('prices with the version in force at the usage time', () => {
    const before = book.priceAt('other', 'm', undefined, new Date(change.getTime() - 1));
    const after = book.priceAt('other', 'm', undefined, change);
    expect([before?.catalogVersion, before?.entry.prices.input]).toEqual(['v1', '0.000001']);
    expect([after?.catalogVersion, after?.entry.prices.input]).toEqual(['v2', '0.000002']);
  });

  it('finds no price before the first version', () => {
    expect(book.priceAt('other', 'm', undefined, new Date('2024-12-31T23:59:59Z'))).toBeNull();
  });

  it('applies a tenant override from its effective time only', () => {
    const acme = book.priceAt('acme', 'm', undefined, new Date('2025-06-21T00:00:00Z'));
    const acmeEarlier = book.priceAt('acme', 'm', undefined, new Date('2025-06-19T00:00:00Z'));
    const other = book.priceAt('other', 'm', undefined, new Date('2025-06-21T00:00:00Z'));
    expect([acme?.overrideId, acme?.entry.prices.input]).toEqual(['o1', '0.0000015']);
    expect([acmeEarlier?.overrideId, acmeEarlier?.entry.prices.input]).toEqual([null, '0.000002']);
    expect(other?.entry.prices.input).toBe('0.000002');
  });
});
