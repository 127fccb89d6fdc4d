import { createHash } from 'node:crypto';
import type { CompiledRule } from '../rules/compile.js';
import type { Finding, Fragment } from '../types.js';
import { awsAccountFromKeyId } from './awsAccount.js';
import { shannonEntropy } from './entropy.js';

/** Past this many keyword lines in one fragment, a rule's regex runs over the whole text. */
const MAX_WINDOWS = 32;

/** Longest excerpt of a line kept on each side of a secret (minified files have huge lines). */
const EXCERPT_SIDE = 160;

/**
 * The finding's fingerprint: rule, path and a hash of the secret, never the line number, so it
 * survives lines moving and is the same for a secret found in the tree and in history.
 */
export function fingerprintOf(ruleId: string, path: string, secret: string): string {
  return createHash('sha256').update(`${ruleId}\0${path}\0${secret}`).digest('hex').slice(0, 32);
}

/** Maps offsets in a fragment's text to line numbers and columns. */
class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  private lineStarts(): number[] {
    if (!this.starts) {
      const starts = [0];
      let i = -1;
      while ((i = this.text.indexOf('\n', i + 1)) !== -1) starts.push(i + 1);
      this.starts = starts;
    }
    return this.starts;
  }

  /** 0-based index of the line holding `offset`. */
  lineOf(offset: number): number {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  start(line: number): number {
    return this.lineStarts()[line] ?? this.text.length;
  }

  /** Offset of the end of `line` (its "\n", or the end of the text), "\r" excluded. */
  end(line: number): number {
    const next = this.lineStarts()[line + 1];
    let end = next === undefined ? this.text.length : next - 1;
    if (end > 0 && this.text[end - 1] === '\r') end--;
    return end;
  }

  get count(): number {
    return this.lineStarts().length;
  }
}

/**
 * The lines that hold a keyword (ASCII case-insensitive; `lower` is `text` lower-cased, same
 * length), merged into ascending, non-overlapping [start, end) ranges of `text`. Rules' regexes
 * run only over these ranges: the prefilter that keeps a scan fast on text with no secrets.
 */
function keywordLines(text: string, lower: string, keywords: readonly string[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const k of keywords) {
    let at = lower.indexOf(k);
    while (at !== -1) {
      // Many hits: the regex over the whole text is cheaper than this bookkeeping.
      if (ranges.length >= MAX_WINDOWS) return [[0, text.length]];
      const start = text.lastIndexOf('\n', at) + 1;
      let end = text.indexOf('\n', at + k.length);
      if (end === -1) end = text.length;
      ranges.push([start, end]);
      at = lower.indexOf(k, end);
    }
  }
  if (ranges.length <= 1) return ranges;
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [ranges[0]!];
  for (const r of ranges) {
    const last = merged.at(-1)!;
    if (r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push(r);
  }
  return merged;
}

interface Candidate {
  rule: CompiledRule;
  secret: string;
  /** Offset of the secret in the fragment's text. */
  offset: number;
}

/** The secret of a match: the first capturing group that took part, else the whole match. */
function secretOf(m: RegExpExecArray): { value: string; index: number } {
  for (let g = 1; g < m.length; g++) {
    const v = m[g];
    if (v !== undefined && m.indices?.[g]) return { value: v, index: m.indices[g]![0] };
  }
  return { value: m[0], index: m.index };
}

/**
 * Finds secrets in one fragment. Pure: `(fragment, rules) → findings`, the only place regexes
 * run. Per rule: keyword prefilter (the regex then runs only over the lines that hold a keyword,
 * so a rule's match must lie within one line; a rule without keywords runs over the whole
 * text), then entropy, gates and the rule's own allow list. Rules with `near` then look for their unnamed form around the findings of the rule
 * they pair with. Findings come back in text order; secrets are in clear.
 */
export function detect(fragment: Fragment, rules: readonly CompiledRule[]): Finding[] {
  const { text } = fragment;
  if (text.length === 0) return [];
  let lower: string | undefined;
  const index = new LineIndex(text);
  const found = new Map<string, { cand: Candidate; line: number }>();
  const lineText = (line: number) => text.slice(index.start(line), index.end(line));

  const accept = (
    rule: CompiledRule,
    m: RegExpExecArray,
    base: number,
    entropy: number,
    gates: CompiledRule['gates'],
  ): void => {
    const { value: secret, index: rel } = secretOf(m);
    if (secret.length === 0) return;
    const offset = base + rel;
    const line = index.lineOf(offset);
    const key = `${rule.id}:${offset}`;
    if (found.has(key)) return;
    if (entropy > 0 && shannonEntropy(secret) < entropy) return;
    const lineStart = index.start(line);
    const ctx = { secret, line: lineText(line), start: offset - lineStart };
    for (const gate of gates) if (gate(ctx)) return;
    if (rule.stopwords.length) {
      const s = secret.toLowerCase();
      if (rule.stopwords.some((w) => s.includes(w))) return;
    }
    if (rule.allowRes.length) {
      const target = rule.allowTarget === 'line' ? ctx.line : secret;
      if (rule.allowRes.some((re) => { re.lastIndex = 0; return re.test(target); })) return;
    }
    found.set(key, { cand: { rule, secret, offset }, line });
  };

  const runOver = (rule: CompiledRule, from: number, to: number): void => {
    const chunk = from === 0 && to === text.length ? text : text.slice(from, to);
    rule.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = rule.re.exec(chunk)) !== null) {
      if (m[0].length === 0) rule.re.lastIndex++;
      accept(rule, m, from, rule.entropy, rule.gates);
    }
  };

  for (const rule of rules) {
    if (rule.keywords.length === 0) {
      runOver(rule, 0, text.length);
      continue;
    }
    lower ??= text.toLowerCase();
    if (lower.length !== text.length) {
      // Unicode case mapping changed lengths (rare: "İ"), so offsets in `lower` are not
      // offsets in `text`: check the keywords, then run over the whole text.
      const l = lower;
      if (rule.keywords.some((k) => l.includes(k))) runOver(rule, 0, text.length);
      continue;
    }
    for (const [from, to] of keywordLines(text, lower, rule.keywords)) runOver(rule, from, to);
  }

  // Unnamed forms: only around findings of the rule they pair with (e.g. a secret key near a key ID).
  for (const rule of rules) {
    const near = rule.near;
    if (!near) continue;
    const anchors = new Set<number>();
    for (const { cand, line } of found.values()) if (cand.rule.id === near.rule) anchors.add(line);
    if (anchors.size === 0) continue;
    const windows: [number, number][] = [];
    for (const line of [...anchors].sort((a, b) => a - b)) {
      const last = Math.min(index.count - 1, line + near.linesAfter);
      const prev = windows.at(-1);
      if (prev && line <= prev[1] + 1) prev[1] = Math.max(prev[1], last);
      else windows.push([line, last]);
    }
    for (const [first, last] of windows) {
      const base = index.start(first);
      const chunk = text.slice(base, index.end(last));
      near.re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = near.re.exec(chunk)) !== null) {
        if (m[0].length === 0) near.re.lastIndex++;
        accept(rule, m, base, near.entropy, near.gates);
      }
    }
  }

  const findings: Finding[] = [];
  for (const { cand, line } of found.values()) {
    const { rule, secret, offset } = cand;
    const lineStart = index.start(line);
    const column = offset - lineStart + 1;
    const full = lineText(line);
    const from = Math.max(0, column - 1 - EXCERPT_SIDE);
    const to = Math.min(full.length, column - 1 + secret.length + EXCERPT_SIDE);
    const excerpt = (from > 0 ? '…' : '') + full.slice(from, to) + (to < full.length ? '…' : '');
    const fileLine = fragment.lineNumbers?.[line] ?? fragment.startLine + line;
    const finding: Finding = {
      ruleId: rule.id,
      description: rule.spec.description,
      path: fragment.path,
      line: fileLine,
      column,
      endColumn: column + secret.length,
      secret,
      lineText: excerpt,
      fingerprint: fingerprintOf(rule.id, fragment.path, secret),
      severity: rule.spec.severity ?? 'error',
    };
    if (rule.spec.awsAccount) {
      const account = awsAccountFromKeyId(secret);
      if (account) finding.awsAccountId = account;
    }
    if (fragment.commit) Object.assign(finding, fragment.commit);
    findings.push(finding);
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
  return findings;
}
