/** Marker that replaces a credential found in a client config before anything is stored. */
export const REDACTED = '[redacted]';

/** Flag and parameter names that carry a credential in MCP server command lines and URLs. */
const SECRET_NAME = /^(?:api[-_]?key|apikey|key|token|access[-_]?token|auth(?:[-_]?token)?|bearer|secret|client[-_]?secret|password|passwd|pat)$/i;

/** Values that are credentials whatever flag precedes them: OpenAI, Anthropic, GitHub, Slack, AWS and bearer tokens. */
const SECRET_VALUE = /^(?:sk-[A-Za-z0-9_-]{16,}|sk-ant-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abpr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|Bearer\s+\S+)$/;

/**
 * Replaces credentials in a server's arguments: the value after a flag named
 * like one (`--token sk-…`), the value of `--flag=…`, and any argument that
 * has the shape of a known token. Names and other arguments stay, so the
 * command line still identifies the server.
 */
export function redactArgs(args: string[]): string[] {
  return args.map((arg, i) => {
    const assigned = /^(--?[^=]+)=(.*)$/.exec(arg);
    if (assigned && SECRET_NAME.test(assigned[1].replace(/^-+/, ''))) return `${assigned[1]}=${REDACTED}`;
    const previous = i > 0 ? args[i - 1] : '';
    if (/^--?[^=]+$/.test(previous) && SECRET_NAME.test(previous.replace(/^-+/, ''))) return REDACTED;
    return SECRET_VALUE.test(arg) ? REDACTED : arg;
  });
}

/** Removes user information from a server URL and blanks query parameters named like credentials. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  if (parsed.username || parsed.password) {
    parsed.username = REDACTED;
    parsed.password = '';
    changed = true;
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (!SECRET_NAME.test(name)) continue;
    parsed.searchParams.set(name, REDACTED);
    changed = true;
  }
  // An untouched URL is kept as written; serialisation would normalise it. The marker is unescaped to stay readable.
  if (!changed) return url;
  return parsed.toString().replace(/%5Bredacted%5D/gi, REDACTED);
}
