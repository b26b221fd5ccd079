import { chunks, requestBodies } from './import-chunks';

describe('import request bodies', () => {
  const line = (n: number) => JSON.stringify({ resourceSpans: [], n });

  it('splits by line count', () => {
    const text = [1, 2, 3, 4, 5].map(line).join('\n');

    expect(chunks(text, 2, 1_000_000).map((c) => c.split('\n').length)).toEqual([2, 2, 1]);
  });

  it('splits by bytes', () => {
    const text = [1, 2, 3, 4].map(line).join('\n');
    const perLine = Buffer.byteLength(line(1)) + 1;

    expect(chunks(text, 100, perLine * 2).map((c) => c.split('\n').length)).toEqual([2, 2]);
  });

  it('sends an oversized line alone', () => {
    const big = JSON.stringify({ resourceSpans: [], pad: 'x'.repeat(5000) });

    expect(chunks(`${line(1)}\n${big}\n${line(2)}`, 100, 2048).map((c) => c.length)).toEqual([line(1).length, big.length, line(2).length]);
  });

  it('sends one document whole', () => {
    const doc = JSON.stringify({ resourceSpans: [] }, null, 2);

    expect(requestBodies('a.json', doc, 1, 1024)).toEqual([{ body: doc, type: 'application/json' }]);
  });

  it('rejects an empty file', () => {
    expect(() => requestBodies('empty.jsonl', '\n \n', 200, 1024)).toThrow('empty.jsonl is empty');
  });

  it('rejects a truncated document', () => {
    const truncated = JSON.stringify({ resourceSpans: [{ scopeSpans: [] }] }, null, 2).slice(0, 20);

    expect(() => requestBodies('cut.json', truncated, 200, 1024)).toThrow(/cut.json is neither one JSON document \(.+\) nor JSON lines/);
  });
});
