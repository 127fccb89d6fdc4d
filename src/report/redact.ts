import type { Finding, ScanResult } from '../types.js';

/**
 * What is shown of a secret: its first 4 characters (the key type of an AWS key ID, 4 of a
 * secret key's 40) when it is 20 characters or longer, a fifth of a shorter one.
 */
export function redactSecret(secret: string): string {
  const keep = secret.length >= 20 ? 4 : Math.floor(secret.length / 5);
  return `${secret.slice(0, keep)}…(redacted)`;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regex matching any of `secrets`, longest first; undefined for none. */
function anyOf(secrets: Iterable<string>): RegExp | undefined {
  const list = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  return list.length ? new RegExp(list.map(escapeRe).join('|'), 'g') : undefined;
}

/** Above this many distinct secrets, excerpts are checked only for the secrets of their own line. */
const GLOBAL_LIMIT = 200;

/**
 * The result with every secret replaced by its redaction, and every copy of a secret in an
 * excerpt too: a line holding a key ID and its secret key shows neither, whichever finding's
 * excerpt it is. Each excerpt is cleaned of the secrets found on the same line (same commit,
 * path and line), and, when the result holds at most GLOBAL_LIMIT distinct secrets, of every
 * secret of the result. Linear in the number of findings beyond that.
 */
export function redactResult(result: ScanResult): ScanResult {
  const all = [...result.findings, ...result.suppressed];
  const key = (f: Finding) => `${f.commit ?? ''}\0${f.path}\0${f.line}`;
  const byLine = new Map<string, string[]>();
  for (const f of all) {
    const k = key(f);
    const list = byLine.get(k);
    if (list) list.push(f.secret);
    else byLine.set(k, [f.secret]);
  }
  const distinct = new Set(all.map((f) => f.secret));
  const global = distinct.size <= GLOBAL_LIMIT ? anyOf(distinct) : undefined;
  const lineRes = new Map<string, RegExp | undefined>();
  const redactFinding = <T extends Finding>(f: T): T => {
    const k = key(f);
    if (!global && !lineRes.has(k)) lineRes.set(k, anyOf(byLine.get(k)!));
    const re = global ?? lineRes.get(k);
    return { ...f, secret: redactSecret(f.secret), lineText: re ? f.lineText.replace(re, (s) => redactSecret(s)) : f.lineText };
  };
  return { ...result, findings: result.findings.map(redactFinding), suppressed: result.suppressed.map(redactFinding) };
}
