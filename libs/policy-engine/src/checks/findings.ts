/** A match of a runtime check in a piece of text; offsets are UTF-16 code units, as JavaScript strings index. */
export interface Finding {
  kind: string;
  start: number;
  end: number;
}

/**
 * Runs a global regular expression and keeps the matches `accept` confirms.
 * It drives `pattern.exec` from lastIndex 0 instead of `matchAll`, which
 * clones the expression on every call; the shared pattern is safe because
 * the loop runs synchronously and resets lastIndex before returning.
 */
export function scan(text: string, kind: string, pattern: RegExp, accept: (match: string) => boolean = () => true): Finding[] {
  const findings: Finding[] = [];
  if (text.length === 0) return findings;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const value = match[0];
    // An empty match would never advance lastIndex.
    if (value.length === 0) pattern.lastIndex++;
    else if (accept(value)) findings.push({ kind, start: match.index, end: match.index + value.length });
  }
  pattern.lastIndex = 0;
  return findings;
}

/** Replaces each finding with `[KIND]`, keeping the rest of the text readable for reviewers. */
export function maskFindings(text: string, findings: readonly Finding[]): string {
  const sorted = [...findings].sort((a, b) => a.start - b.start);
  let out = '';
  let cursor = 0;
  for (const finding of sorted) {
    if (finding.start < cursor) continue;
    out += text.slice(cursor, finding.start) + `[${finding.kind.toUpperCase()}]`;
    cursor = finding.end;
  }
  return out + text.slice(cursor);
}
