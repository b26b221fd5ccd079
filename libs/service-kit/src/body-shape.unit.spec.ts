import { bodyShapeProblem, MAX_BODY_DEPTH } from './body-shape';

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { inner: value };
  return value;
}

describe('bodyShapeProblem', () => {
  it('accepts ordinary bodies, including nesting up to the limit', () => {
    expect(bodyShapeProblem({ name: 'crm', attributes: { tags: ['a', 'b'], limits: { rpm: 60 } } })).toBeUndefined();
    expect(bodyShapeProblem(nested(MAX_BODY_DEPTH))).toBeUndefined();
    expect(bodyShapeProblem(undefined)).toBeUndefined();
  });

  it('rejects nesting past the limit, however deep, with the path where it stops', () => {
    expect(bodyShapeProblem({ attributes: nested(MAX_BODY_DEPTH) })?.message).toMatch(/nested more than 64 levels deep; flatten the value/);
    expect(bodyShapeProblem(nested(100_000))?.field).toMatch(/^inner\.0\.inner/);
  });

  it('rejects NUL characters in values and keys, naming the field', () => {
    expect(bodyShapeProblem({ name: 'fu\u0000nul' })).toEqual({ field: 'name', message: 'name contains a NUL character (\\u0000), which cannot be stored; remove it' });
    expect(bodyShapeProblem({ tags: ['ok', 'b\u0000'] })?.field).toBe('tags.1');
    expect(bodyShapeProblem({ attributes: { ['k\u0000']: 1 } })?.field).toBe('attributes');
  });

  it('rejects unpaired surrogates, naming the field', () => {
    expect(bodyShapeProblem({ reasons: ['ok', 'r\ud800'] })).toEqual({ field: 'reasons.1', message: expect.stringContaining('unpaired UTF-16 surrogate') });
    expect(bodyShapeProblem({ labels: { ['k\udc00']: 'v' } })?.field).toBe('labels');
    expect(bodyShapeProblem({ name: 'paired \ud83d\ude00' })).toBeUndefined();
  });
});

describe('bodyShapeProblem with allowNul', () => {
  it('keeps NUL characters but still limits depth', () => {
    expect(bodyShapeProblem({ name: 'a\u0000b', ['k\u0000']: 1 }, { allowNul: true })).toBeUndefined();
    expect(bodyShapeProblem(nested(MAX_BODY_DEPTH + 1), { allowNul: true })?.message).toMatch(/nested more than/);
  });
});
