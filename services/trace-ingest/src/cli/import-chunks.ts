/** Request bodies for the trace import command. */

/** Groups lines into requests of at most `maxLines` lines and `maxBytes` bytes. A longer line goes alone. */
export function chunks(text: string, maxLines: number, maxBytes: number): string[] {
  const out: string[] = [];
  let lines: string[] = [];
  let bytes = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const size = Buffer.byteLength(line) + 1;
    if (lines.length > 0 && (lines.length === maxLines || bytes + size > maxBytes)) {
      out.push(lines.join('\n'));
      lines = [];
      bytes = 0;
    }
    lines.push(line);
    bytes += size;
  }
  if (lines.length > 0) out.push(lines.join('\n'));
  return out;
}

/** Splits a file into request bodies, or explains why it is neither one JSON document nor JSON lines. */
export function requestBodies(file: string, text: string, maxLines: number, maxBytes: number): Array<{ body: string; type: string }> {
  if (text.trim() === '') throw new Error(`${file} is empty; expected an OTLP/JSON export or another supported trace file`);
  const documentProblem = jsonProblem(text);
  if (!documentProblem) return [{ body: text, type: 'application/json' }];
  const firstLine = text.split('\n').find((line) => line.trim() !== '')!;
  if (jsonProblem(firstLine)) {
    throw new Error(`${file} is neither one JSON document (${documentProblem}) nor JSON lines (its first line is not JSON either); check that the file is complete`);
  }
  return chunks(text, maxLines, maxBytes).map((body) => ({ body, type: 'application/x-ndjson' }));
}

/** Returns JSON.parse's message for text that is not JSON, or undefined. */
function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
