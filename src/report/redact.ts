import type { Finding, ScanResult, SuppressedFinding, Verification } from '../types.js';

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

/** What replaces an encoded copy of a secret, or a piece of one cut at an excerpt's edge. */
const HIDDEN = '…(redacted)';
/** Cut pieces shorter than this at an excerpt's edge are left (4 random characters say nothing). */
const MIN_PIECE = 4;

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

/**
 * The forms of `secret` the detector reads through (see src/detect/decoders.ts), each as it
 * appears in text: percent-encoded (every escape, or only `/ + =` as URLs do, either case),
 * JSON-escaped (`\/`), and base64 at each of the three byte alignments inside a longer run
 * (the characters every such run holds, whatever surrounds the secret).
 */
function encodings(secret: string): string[] {
  const out = new Set<string>();
  const pct = encodeURIComponent(secret);
  out.add(pct).add(pct.toLowerCase().replace(/%[0-9a-f]{2}/gi, (m) => m.toLowerCase()));
  const some = secret.replace(/[/+=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  out.add(some).add(some.replace(/%2F/g, '%2f').replace(/%2B/g, '%2b').replace(/%3D/g, '%3d'));
  out.add(secret.replace(/\//g, '\\/'));
  out.add(Buffer.from(secret, 'latin1').toString('base64'));
  for (let r = 0; r < 3; r++) {
    // r bytes of something else before the secret in its first 3-byte group: the groups that
    // hold only secret bytes encode the same whatever surrounds them.
    const b64 = Buffer.from('\0'.repeat(r) + secret, 'latin1').toString('base64');
    const first = r === 0 ? 0 : 1;
    const last = Math.floor((r + secret.length) / 3); // one past the last whole group
    if (last - first >= 2) out.add(b64.slice(4 * first, 4 * last));
  }
  out.delete(secret);
  return [...out].filter((e) => e.length >= MIN_PIECE);
}

/**
 * Hides secrets in any text shown: every copy of a secret (its redaction, `AKIA…(redacted)`),
 * every copy of one of its encodings, and a piece of one cut at the edge of an excerpt (a text
 * that starts or ends with "…" where it was cut). Linear in the text: a map from the first and
 * last MIN_PIECE characters of each form to the forms, looked up at each position.
 */
export class Redactor {
  private readonly byHead = new Map<string, { form: string; shown: string }[]>();
  private readonly byTail = new Map<string, { form: string; shown: string }[]>();
  /** Forms shorter than MIN_PIECE, matched whole by a plain search. */
  private readonly tiny: { form: string; shown: string }[] = [];
  private maxLen = 0;
  readonly empty: boolean;

  /** `percent`: how each secret in clear is shown, see redactSecret. */
  constructor(secrets: Iterable<string>, percent?: number) {
    const seen = new Set<string>();
    const add = (form: string, shown: string) => {
      if (form.length === 0 || seen.has(form)) return;
      seen.add(form);
      const entry = { form, shown };
      if (form.length < MIN_PIECE) {
        this.tiny.push(entry);
        return;
      }
      this.maxLen = Math.max(this.maxLen, form.length);
      for (const [map, key] of [
        [this.byHead, form.slice(0, MIN_PIECE)],
        [this.byTail, form.slice(-MIN_PIECE)],
      ] as const) {
        const list = map.get(key);
        if (list) list.push(entry);
        else map.set(key, [entry]);
      }
    };
    const all = [...new Set(secrets)].filter((s) => s.length > 0);
    for (const s of all) for (const part of shownParts(s)) add(part, redactSecret(part, percent));
    // Every other line of a secret that spans lines (a key block's body) shows nothing.
    for (const s of all) if (s.includes('\n')) for (const line of s.split(/\r?\n/).slice(1)) if (line.length >= MIN_PIECE) add(line, HIDDEN);
    for (const s of all) for (const e of encodings(s)) add(e, HIDDEN);
    for (const list of this.byHead.values()) list.sort((a, b) => b.form.length - a.form.length);
    this.tiny.sort((a, b) => b.form.length - a.form.length);
    this.empty = seen.size === 0;
  }

  /** `text` with every secret, encoded secret and cut piece of one hidden. */
  text(text: string): string {
    if (this.empty || text.length === 0) return text;
    let out = '';
    let copied = 0;
    let i = 0;
    // A piece of a secret right after a leading "…" (the excerpt was cut inside it).
    if (text.startsWith('…')) {
      const j = this.cutTail(text, 1);
      if (j > 1) {
        out = `…${HIDDEN}`;
        copied = i = j;
      }
    }
    let end = text.length;
    let tailCut = -1;
    if (text.endsWith('…')) {
      tailCut = this.cutHead(text, text.length - 1, i);
      if (tailCut >= 0) end = tailCut;
    }
    while (i + MIN_PIECE <= end) {
      const list = this.byHead.get(text.slice(i, i + MIN_PIECE));
      const hit = list?.find((e) => i + e.form.length <= end && text.startsWith(e.form, i));
      if (hit) {
        out += text.slice(copied, i) + hit.shown;
        i += hit.form.length;
        copied = i;
      } else i++;
    }
    out += text.slice(copied, end);
    if (tailCut >= 0) out += `${HIDDEN}…`;
    for (const t of this.tiny) out = out.split(t.form).join(t.shown);
    return out;
  }

  /** The end of the longest piece text[from, j) that is a secret's form cut at its start, or -1. */
  private cutTail(text: string, from: number): number {
    let best = -1;
    const last = Math.min(text.length - (text.endsWith('…') ? 1 : 0), from + this.maxLen);
    for (let j = from + MIN_PIECE; j <= last; j++) {
      const list = this.byTail.get(text.slice(j - MIN_PIECE, j));
      if (list?.some((e) => e.form.length > j - from && e.form.endsWith(text.slice(from, j)))) best = j;
    }
    return best;
  }

  /** The start of the longest piece text[i, end) that is a secret's form cut at its end, or -1. */
  private cutHead(text: string, end: number, floor: number): number {
    let best = -1;
    for (let i = end - MIN_PIECE; i >= Math.max(floor, end - this.maxLen); i--) {
      const list = this.byHead.get(text.slice(i, i + MIN_PIECE));
      if (list?.some((e) => e.form.length > end - i && e.form.startsWith(text.slice(i, end)))) best = i;
    }
    return best;
  }
}

/**
 * The result with every secret replaced by its redaction wherever it is shown: each finding's
 * secret, its excerpt (`lineText`), its commit message and, for a suppressed finding, the
 * reason (a `.gitallowed` or `secrets.allowed` entry can be the key itself), and the notes.
 * Every text is cleaned of every secret of the result, in clear and in each encoding the
 * detector decodes (percent, JSON escapes, base64), and of a piece of one cut at an excerpt's
 * edge. Works on what is shown, after every cut the detector made, and before history
 * deduplication can matter: all findings and suppressed findings of the result count, and a
 * secret dropped by deduplication was found again in the finding that was kept. A
 * verification's fields (what the endpoint answered) are cleaned the same way. `percent`: see
 * redactSecret.
 */
export function redactResult(result: ScanResult, percent?: number): ScanResult {
  const all = [...result.findings, ...result.suppressed];
  const r = new Redactor(
    all.map((f) => f.secret),
    percent,
  );
  const redactVerification = (v: Verification): Verification => {
    const out = { ...v };
    for (const k of ['arn', 'account', 'userId', 'error'] as const) if (out[k] !== undefined) out[k] = r.text(out[k]);
    return out;
  };
  const redactFinding = <T extends Finding>(f: T): T => {
    const out = { ...f, secret: redactSecret(f.secret, percent), lineText: r.text(f.lineText) };
    if (f.verification) out.verification = redactVerification(f.verification);
    if (f.message !== undefined) out.message = r.text(f.message);
    const by = (f as Partial<SuppressedFinding>).suppressedBy;
    if (by) (out as unknown as SuppressedFinding).suppressedBy = { ...by, reason: r.text(by.reason) };
    return out;
  };
  const stats = result.stats?.notes ? { ...result.stats, notes: result.stats.notes.map((n) => r.text(n)) } : result.stats;
  return { ...result, stats, findings: result.findings.map(redactFinding), suppressed: result.suppressed.map(redactFinding) };
}
