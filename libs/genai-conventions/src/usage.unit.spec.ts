import { invalidUsageAttributes } from './usage';

describe('invalidUsageAttributes', () => {
  it('lists negative and fractional token counts', () => {
    const problems = invalidUsageAttributes({ 'gen_ai.usage.input_tokens': -500, 'llm.token_count.completion': '2.5', 'gen_ai.usage.output_tokens': 10 });
    expect(problems).toEqual([
      'gen_ai.usage.input_tokens = -500 is not a token count (a whole number from 0 to 9007199254740991)',
      'llm.token_count.completion = "2.5" is not a token count (a whole number from 0 to 9007199254740991)',
    ]);
  });

  it('accepts integer counts, numeric strings and unrelated attributes', () => {
    expect(invalidUsageAttributes({ 'gen_ai.usage.input_tokens': '12', 'gen_ai.usage.output_tokens': 0, note: -1 })).toEqual([]);
  });
});
