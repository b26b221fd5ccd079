/** A match of a runtime check in a piece of text; offsets are UTF-16 code units, as JavaScript strings index. */
export interface Finding {
  kind: string;
  start: number;
  end: number;
}

/** Runs a global regular expression and keeps the matches `accept` confirms. */
export function scan(text: string, kind: string, pattern: RegExp, accept: (match: string) => boolean = () => true): Finding[] {
  const findings: Finding[] = [];
  for (const match of text.matchAll(pattern)) {
    const value = match[0];
    if (accept(value)) findings.push({ kind, start: match.index ?? 0, end: (match.index ?? 0) + value.length });
  }
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
