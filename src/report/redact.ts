import type { Finding, ScanResult, Verification } from '../types.js';

/**
 * What is shown of a secret: its first 4 characters (the key type of an AWS key ID, 4 of a
 * secret key's 40) when it is 20 characters or longer, a fifth of a shorter one. With `percent`
 * (--redact=PERCENT, 1–100, gitleaks' meaning): that share of the secret is hidden, rounded up,
 * so at least one character always is; 100 shows none of it.
 */
export function redactSecret(secret: string, percent?: number): string {
  const keep = percent !== undefined ? Math.floor((secret.length * (100 - percent)) / 100) : secret.length >= 20 ? 4 : Math.floor(secret.length / 5);
  return `${secret.slice(0, keep)}…(redacted)`;
}

/**
 * The parts of a secret an excerpt may show: the secret, and for one that spans lines (a
 * private key block) its first line too, since an excerpt is the line the secret starts on.
 */
function shownParts(secret: string): string[] {
  const nl = secret.indexOf('\n');
  if (nl === -1) return [secret];
  const first = secret.slice(0, secret[nl - 1] === '\r' ? nl - 1 : nl);
  return first.length > 0 ? [secret, first] : [secret];
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
 * secret of the result. Linear in the number of findings beyond that. A history finding's
 * commit subject is cleaned the same way (of the secrets found in that commit), and a
 * verification's fields of the finding's own secret and its related findings' secrets.
 * `percent`: see redactSecret.
 */
export function redactResult(result: ScanResult, percent?: number): ScanResult {
  const all = [...result.findings, ...result.suppressed];
  const key = (f: Finding) => `${f.commit ?? ''}\0${f.path}\0${f.line}`;
  const byLine = new Map<string, string[]>();
  const byCommit = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, k: string, secret: string) => {
    const list = map.get(k);
    if (list) list.push(secret);
    else map.set(k, [secret]);
  };
  for (const f of all) {
    for (const s of shownParts(f.secret)) {
      add(byLine, key(f), s);
      if (f.commit !== undefined) add(byCommit, f.commit, s);
    }
  }
  const distinct = new Set(all.flatMap((f) => shownParts(f.secret)));
  const global = distinct.size <= GLOBAL_LIMIT ? anyOf(distinct) : undefined;
  const lineRes = new Map<string, RegExp | undefined>();
  const commitRes = new Map<string, RegExp | undefined>();
  const commitRe = (commit: string | undefined): RegExp | undefined => {
    if (commit === undefined) return undefined;
    if (!commitRes.has(commit)) commitRes.set(commit, anyOf(byCommit.get(commit) ?? []));
    return commitRes.get(commit);
  };
  // What STS (or whatever answered at the endpoint) said of a pair: cleaned of the pair's secrets.
  const secretOf = new Map(all.map((f) => [f.fingerprint, f.secret]));
  const redactVerification = (f: Finding): Verification => {
    const re = global ?? anyOf([f.secret, ...(f.related ?? []).flatMap((fp) => secretOf.get(fp) ?? [])]);
    const v = { ...f.verification! };
    if (re) for (const k of ['arn', 'account', 'userId', 'error'] as const) if (v[k] !== undefined) v[k] = v[k].replace(re, (s) => redactSecret(s, percent));
    return v;
  };
  const redactFinding = <T extends Finding>(f: T): T => {
    const k = key(f);
    if (!global && !lineRes.has(k)) lineRes.set(k, anyOf(byLine.get(k)!));
    const re = global ?? lineRes.get(k);
    const out = { ...f, secret: redactSecret(f.secret, percent), lineText: re ? f.lineText.replace(re, (s) => redactSecret(s, percent)) : f.lineText };
    // A history finding shows its commit's subject, which may hold a secret found in it.
    const msgRe = f.message === undefined ? undefined : (global ?? commitRe(f.commit));
    if (msgRe) out.message = f.message!.replace(msgRe, (s) => redactSecret(s, percent));
    if (f.verification) out.verification = redactVerification(f);
    return out;
  };
  return { ...result, findings: result.findings.map(redactFinding), suppressed: result.suppressed.map(redactFinding) };
}
