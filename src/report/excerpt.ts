import type { Finding } from '../types.js';
import { flattenControl } from './escapeControl.js';

/** A piece of a finding's line around its secret, split so a reporter can mark the secret. */
export interface Excerpt {
  /** Text before the secret ("…" first when the line was cut). */
  before: string;
  /** The secret as the report shows it (redacted unless --no-redact). */
  secret: string;
  /** Text after the secret ("…" last when the line was cut). */
  after: string;
}

/** How many characters of context are kept on each side of the secret. */
export const EXCERPT_CONTEXT = 40;

/** Tabs and other control characters (C0, DEL, C1, bidi overrides) become one space each, so markers under the text line up. */
const flat = flattenControl;

/**
 * The finding's line cut to `context` characters each side of the secret. Works on a redacted
 * finding too: the shown secret is found in `lineText` at the occurrence nearest to (not after)
 * the finding's column, since redaction only ever shortens what comes before it. When the
 * secret cannot be found in the line (a decoded secret: base64 inside the line), the excerpt
 * is the start of the line and `secret` is empty.
 */
export function excerptOf(f: Pick<Finding, 'lineText' | 'secret' | 'column'>, context = EXCERPT_CONTEXT): Excerpt {
  const line = f.lineText.replace(/\r$/, '');
  let at = -1;
  if (f.secret) {
    for (let i = line.indexOf(f.secret); i !== -1 && i <= f.column - 1; i = line.indexOf(f.secret, i + 1)) at = i;
    if (at === -1) at = line.indexOf(f.secret);
  }
  if (at === -1) {
    const cut = line.length > 2 * context;
    return { before: flat(cut ? `${line.slice(0, 2 * context)}…` : line).trimStart(), secret: '', after: '' };
  }
  const start = Math.max(0, at - context);
  const end = Math.min(line.length, at + f.secret.length + context);
  const head = flat(line.slice(start, at));
  const before = start > 0 ? `…${head}` : head.trimStart();
  const after = flat(line.slice(at + f.secret.length, end)).trimEnd() + (end < line.length ? '…' : '');
  return { before, secret: flat(f.secret), after };
}
