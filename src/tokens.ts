/**
 * The scan for token-like strings (API keys, private keys, JWTs) that no synthesized file may
 * hold. Its own module: the synthesizer's writer thread scans each file as it renders it, and
 * must not load the rest of the audit.
 */

/** Token patterns: high-confidence formats only, so the synth can fail on a hit without false alarms. */
const TOKEN_PATTERNS: readonly { readonly kind: string; readonly re: RegExp }[] = [
  { kind: 'PEM private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  { kind: 'AWS access key id', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g },
  { kind: 'GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b/g },
  { kind: 'GitLab token', re: /\bgl(?:pat|dt|rt|cbt|ptt|ft|imt|agent)-[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { kind: 'Slack webhook URL', re: /https:\/\/hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]{16,}/g },
  { kind: 'JSON Web Token', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g },
  { kind: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'Stripe secret key', re: /\b[sr]k_live_[0-9A-Za-z]{20,}\b/g },
  { kind: 'OpenAI/Anthropic API key', re: /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}\b/g },
];

/**
 * Every pattern as one alternative of one regex: a single pass over a file finds each position where
 * some pattern starts a match (most files have none). Each pattern is then tried at exactly those
 * positions, so the hits equal those of running every pattern over the whole file on its own.
 */
const ANY_TOKEN = new RegExp(TOKEN_PATTERNS.map((p) => `(?:${p.re.source})`).join('|'), 'g');
const TOKEN_AT = TOKEN_PATTERNS.map((p) => ({ kind: p.kind, re: new RegExp(p.re.source, 'y') }));

/** A token-like string found in a file (the value itself is never kept: only a redacted prefix). */
export interface TokenHit {
  readonly kind: string;
  readonly line: number;
  /** The first four characters and an ellipsis. */
  readonly redacted: string;
}

/** Token-like strings in `content`. */
export function scanTokens(content: string): TokenHit[] {
  const hits: TokenHit[] = [];
  // Where each pattern's last match ended: a pattern's matches never overlap each other (as with a global regex).
  const endOf = new Array<number>(TOKEN_AT.length).fill(0);
  let line = 1;
  let counted = 0;
  ANY_TOKEN.lastIndex = 0;
  let start: RegExpExecArray | null;
  while ((start = ANY_TOKEN.exec(content)) !== null) {
    const at = start.index;
    for (let i = 0; i < TOKEN_AT.length; i++) {
      if (at < endOf[i]) continue;
      const { kind, re } = TOKEN_AT[i];
      re.lastIndex = at;
      const m = re.exec(content);
      if (m === null) continue;
      endOf[i] = at + m[0].length;
      for (let nl = content.indexOf('\n', counted); nl !== -1 && nl < at; nl = content.indexOf('\n', nl + 1)) line++;
      counted = at;
      hits.push({ kind, line, redacted: `${m[0].slice(0, 4)}…` });
    }
    // Matches of different patterns may overlap: look for the next start right after this one.
    ANY_TOKEN.lastIndex = at + 1;
  }
  return hits.sort((a, b) => a.line - b.line || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

