import { createHash } from 'node:crypto';
import type { CompiledRule } from '../rules/compile.js';
import type { Finding, Fragment } from '../types.js';
import { decodedLayers, type Layer } from './decoders.js';
import { enrich } from './enrichers.js';
import { shannonEntropy } from './entropy.js';
import { GATES, type Gate } from './gates.js';
import { firstAtOrAbove, lastAtOrBelow } from './sortedSearch.js';
import { leadingWords } from './leadingWords.js';
import { linkPairs } from './linkPairs.js';
import { literalsIn } from './literalIndex.js';
import { alphabetRuns, hasRun } from './decoders/alphabetRuns.js';
import { SHORTEST, VALUE, valueRuns } from './decoders/base64Runs.js';
import { STAND_IN_CHAR, standInSafe } from './standIn.js';
import { type OneByte, primeOneByte } from './wasmPass.js';

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
    return lastAtOrBelow(this.lineStarts(), offset);
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
 * All the keywords of a rule set in one case-insensitive regex (one pass over a text finds
 * every rule's keyword hits: several times faster than lower-casing the text and searching each
 * keyword), and for each keyword, the rules it wakes: those with that keyword or one inside it.
 * Without the `u` flag, `i` folds ASCII letters only, as keywords are documented to.
 */
interface KeywordIndex {
  re: RegExp;
  rulesOf: Map<string, number[]>;
  /**
   * When every keyword rule has a `window`, the shortest run they need: a text without a run of
   * VALUE characters that long wakes none of them, and is not searched for keywords at all.
   */
  gateRun: number;
  /** The most lines below its keyword's line a match of those rules ends (RuleSpec.window). */
  gateLines: number;
  /** The keywords, in the order `re` tries them (longest first). */
  order: string[];
}

const keywordIndexes = new WeakMap<readonly CompiledRule[], KeywordIndex | null>();

function keywordIndex(rules: readonly CompiledRule[]): KeywordIndex | null {
  const index = keywordIndexes.get(rules);
  return index !== undefined ? index : buildKeywordIndex(rules);
}

/** Kept apart from keywordIndex, which the optimizing compiler inlines into the hot path. */
function buildKeywordIndex(rules: readonly CompiledRule[]): KeywordIndex | null {
  let index: KeywordIndex | null;
  const all = [...new Set(rules.flatMap((r) => r.keywords))].sort((a, b) => b.length - a.length);
  if (all.length === 0) index = null;
  else {
    const rulesOf = new Map<string, number[]>();
    for (const k of all) {
      rulesOf.set(
        k,
        rules.flatMap((r, i) => (r.keywords.some((rk) => k.includes(rk)) ? [i] : [])),
      );
    }
    const source = all.map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
    const runs = rules.filter((r) => r.keywords.length > 0).map((r) => r.minRun);
    const gateLines = Math.max(...rules.map((r) => r.linesAfter));
    index = { re: new RegExp(source, 'gi'), rulesOf, gateRun: Math.min(...runs), gateLines, order: all };
  }
  keywordIndexes.set(rules, index);
  return index;
}

/** Offset of the end of the line `lines` lines below the one ending at `end` (the text's end at most). */
function endAfter(text: string, end: number, lines: number): number {
  for (let n = 0; n < lines && end < text.length; n++) {
    const next = text.indexOf('\n', end + 1);
    end = next === -1 ? text.length : next;
  }
  return end;
}

/**
 * Where words occur in a text (ASCII case folded, ascending), found by the WebAssembly pass
 * (./wasmPass.ts): the rule set's keywords and the words its keyword rules' patterns start with
 * (wordPlan).
 */
type Words = Map<string, number[]>;

/** Where the words and the rules' literals occur in a one-byte text (./wasmPass.ts, primeOneByte). */
type Places = Pick<OneByte, 'words' | 'literalsAt'>;

/**
 * The keyword regex's matches in [from, to) of the text, from where the keywords occur: at each
 * place the first keyword in `order` that occurs there, then on after it, as the alternation
 * KeywordIndex.re gives them. [offset, keyword] pairs, in order.
 */
function wordMatches(words: Words, order: readonly string[], from: number, to: number): [number, string][] {
  const found: [number, number][] = [];
  order.forEach((keyword, alt) => {
    const at = words.get(keyword)!;
    // Read for every keyword, not only one that occurs: code optimized before the first
    // occurrence of a keyword of another kind of string (not internalized) would bail out.
    const last = to - keyword.length;
    for (let i = firstAtOrAbove(at, from); i < at.length && at[i]! <= last; i++) found.push([at[i]!, alt]);
  });
  found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const matches: [number, string][] = [];
  let next = from;
  for (const [at, alt] of found) {
    if (at < next) continue;
    matches.push([at, order[alt]!]);
    next = at + order[alt]!.length;
  }
  return matches;
}

/**
 * What the WebAssembly pass looks for in a rule set's texts: its keywords, and for each keyword
 * rule whose every match starts with one of a few words of three or more characters
 * (./leadingWords.ts), those words and a sticky copy of its pattern to try at each. A rule with
 * literals (and no keywords) whose every match starts with one of them, case and all, is tried
 * at the places of those literals, which the pass finds anyway. Null when a keyword is not ASCII
 * (the pass folds ASCII case only; the keyword regex folds no more, but its matches are not worth
 * working out again).
 */
interface WordPlan {
  words: string[];
  /** `literals`: `words` are literals, looked up in Places.literalsAt, else in Places.words. */
  starts: Map<CompiledRule, { words: string[]; sticky: RegExp; literals: boolean }>;
}

const wordPlans = new WeakMap<readonly CompiledRule[], WordPlan | null>();

function wordPlan(rules: readonly CompiledRule[]): WordPlan | null {
  let plan = wordPlans.get(rules);
  if (plan !== undefined) return plan;
  const keywords = keywordIndex(rules)?.order ?? [];
  if (keywords.some((k) => /[^\x20-\x7e]/.test(k))) plan = null;
  else {
    const starts: WordPlan['starts'] = new Map();
    for (const rule of rules) {
      const { re } = rule;
      if (!(re instanceof RegExp)) continue;
      const sticky = () => new RegExp(re.source, `${re.flags.replace('g', '')}y`);
      if (rule.keywords.length > 0) {
        const words = leadingWords(re.source, re.flags);
        if (words && words.every((w) => w.length >= 3)) starts.set(rule, { words, sticky: sticky(), literals: false });
      } else if (rule.literals.length > 0 && !re.flags.includes('i')) {
        const lead = leadingWords(re.source, re.flags, false) ?? [];
        const prefixes = rule.literals.filter((l) => l.length > 0 && lead.some((w) => w.startsWith(l)));
        if (lead.length && lead.every((w) => prefixes.some((l) => w.startsWith(l)))) starts.set(rule, { words: prefixes, sticky: sticky(), literals: true });
      }
    }
    const leading = [...starts.values()].flatMap((s) => (s.literals ? [] : s.words));
    plan = { words: [...new Set([...keywords, ...leading])], starts };
  }
  wordPlans.set(rules, plan);
  return plan;
}

/**
 * For each rule with keywords, the lines of `text` that hold one (and the rule's `linesAfter`
 * lines below each), merged into ascending, non-overlapping [start, end) ranges (or the whole
 * text once there are more than MAX_WINDOWS of them), keeping for a rule with a `minRun` only
 * the ranges that hold such a run. Rules absent from the map have no window in the text.
 */
function keywordLines(text: string, rules: readonly CompiledRule[], words?: Words): Map<number, [number, number][]> {
  const windows = new Map<number, [number, number][]>();
  const index = keywordIndex(rules);
  if (!index) return windows;
  const { re, rulesOf, gateRun, gateLines, order } = index;
  if (text.length < gateRun) return windows; // no run that long fits (commit messages, short hunks)
  // Value first when every keyword rule needs a run: only the lines holding one (and the lines
  // above them a window reaches from) are searched for keywords, not the whole text.
  const searched = gateRun > 0 ? runLines(text, gateRun, gateLines) : [[0, text.length] as [number, number]];
  const whole: [number, number][] = [[0, text.length]];
  let start = 0;
  let end = -1;
  const hit = (at: number, keyword: string): void => {
    // A hit on the line of the previous one reuses its bounds: a long line with many hits
    // (minified code) is measured once, which keeps this linear.
    if (at + keyword.length > end) {
      start = text.lastIndexOf('\n', at) + 1;
      end = text.indexOf('\n', at + keyword.length);
      if (end === -1) end = text.length;
    }
    for (const i of rulesOf.get(keyword) ?? []) {
      const ranges = windows.get(i);
      if (ranges === whole) continue;
      const to = rules[i]!.linesAfter > 0 ? endAfter(text, end, rules[i]!.linesAfter) : end;
      if (!ranges) windows.set(i, [[start, to]]);
      else if (ranges.length >= MAX_WINDOWS) windows.set(i, whole);
      else {
        const last = ranges.at(-1)!;
        if (start <= last[1]) last[1] = Math.max(last[1], to);
        else ranges.push([start, to]);
      }
    }
  };
  for (const [from, to] of searched) {
    end = -1;
    if (words) {
      for (const [at, keyword] of wordMatches(words, order, from, to)) hit(at, keyword);
      continue;
    }
    const part = from === 0 && to === text.length ? text : text.slice(from, to);
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(part)) !== null) hit(from + m.index, m[0].toLowerCase());
  }
  for (const [i, ranges] of windows) {
    const min = rules[i]!.minRun;
    if (min === 0) continue;
    const kept = ranges.filter(([a, b]) => hasRun(text, a, b, VALUE, min));
    if (kept.length) windows.set(i, kept);
    else windows.delete(i);
  }
  return windows;
}

/**
 * The lines of `text` that hold a run of at least `min` VALUE characters, each with the
 * `above` lines before it, as ascending, merged [start, end) ranges.
 */
function runLines(text: string, min: number, above: number): [number, number][] {
  const out: [number, number][] = [];
  const add = (runStart: number, runEnd: number): number => {
    const prev = out.at(-1);
    if (prev && runStart < prev[1]) return prev[1]; // on a line already taken (long lines hold many runs)
    let start = text.lastIndexOf('\n', runStart) + 1;
    for (let n = 0; n < above && start > 0; n++) start = text.lastIndexOf('\n', start - 2) + 1;
    let end = text.indexOf('\n', runEnd);
    if (end === -1) end = text.length;
    if (prev && start <= prev[1]) prev[1] = Math.max(prev[1], end);
    else out.push([start, end]);
    return end;
  };
  // The pass the base64 decoder shares has the runs when they are long enough (it keeps 27 and up).
  if (min >= SHORTEST) for (const run of valueRuns(text, undefined, min)) add(run.start, run.end);
  else alphabetRuns(text, 0, text.length, VALUE, min, add);
  return out;
}

/** One match in one text (the fragment's, or a decoded layer's), before it is placed in the file. */
interface Hit {
  rule: CompiledRule;
  secret: string;
  /** Offset of the secret in the text it was found in. */
  start: number;
  /** Offsets of the start and end ("\r" excluded) of the line holding it, in that text. */
  lineStart: number;
  lineEnd: number;
}

/**
 * What happened to one candidate (a regex match) of one rule, for `keyfence explain`: found,
 * or rejected and why. Offsets are in the fragment's text; a candidate seen in decoded content
 * is placed at the span that encodes it, with `decodedFrom`.
 */
export interface TraceEvent {
  ruleId: string;
  secret: string;
  /** [start, end) in the fragment's text. */
  start: number;
  end: number;
  /** File line (1-based) and column (1-based) of `start`. */
  line: number;
  column: number;
  decodedFrom?: string;
  /** "named": the rule's pattern; "near": its unnamed form next to a finding it pairs with. */
  form: 'named' | 'near';
  /** Shannon entropy of the secret (bits per character) and the form's minimum (0: none). */
  entropy: number;
  minEntropy: number;
  /**
   * found: reported by the detector (allow stages come after); entropy, gate, stopword,
   * allow-regex: rejected there; duplicate: decoded copy of a candidate already found.
   */
  verdict: 'found' | 'entropy' | 'gate' | 'stopword' | 'allow-regex' | 'duplicate';
  reason: string;
}

/** Receives every candidate's fate; passing none costs nothing. */
export type Trace = (event: TraceEvent) => void;

/** A rejection inside findHits, before it is placed in the fragment: offset in that text. */
type HitTrace = (e: {
  rule: CompiledRule;
  secret: string;
  offset: number;
  form: 'named' | 'near';
  minEntropy: number;
  verdict: TraceEvent['verdict'];
  reason: string;
}) => void;

interface Candidate {
  rule: CompiledRule;
  secret: string;
  /** Offset of the secret in the text it was found in. */
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
 * Runs every rule over one text: a rule with literals only if one occurs in the text; a rule
 * with keywords only over the lines that hold one (so its match must lie within one line), a
 * rule without keywords over the whole text; then entropy, gates, the rule's allow list, then
 * the `near` forms around the hits of the rules they pair with. Hits come in no set order.
 */
function findHits(text: string, rules: readonly CompiledRule[], trace?: HitTrace, places?: Places): Hit[] {
  const index = new LineIndex(text);
  const found = new Map<string, { cand: Candidate; line: number }>();
  const lineText = (line: number) => text.slice(index.start(line), index.end(line));

  const accept = (
    rule: CompiledRule,
    m: RegExpExecArray,
    base: number,
    entropy: number,
    gates: CompiledRule['gates'],
    form: 'named' | 'near' = 'named',
  ): void => {
    const { value: secret, index: rel } = secretOf(m);
    if (secret.length === 0) return;
    // In a stand-in view, a secret holding a stand-in may meet its gates otherwise than the
    // exact one: the exact text decides (detectFragment).
    if (secret.includes(STAND_IN_CHAR)) standInSecret = true;
    const offset = base + rel;
    const key = `${rule.id}:${offset}`;
    if (found.has(key)) return;
    const reject = trace
      ? (verdict: TraceEvent['verdict'], reason: string): void => trace({ rule, secret, offset, form, minEntropy: entropy, verdict, reason })
      : undefined;
    if (entropy > 0 && shannonEntropy(secret) < entropy) {
      reject?.('entropy', `entropy below the minimum ${entropy}`);
      return;
    }
    const line = index.lineOf(offset);
    const lineStart = index.start(line);
    const ctx = { secret, line: lineText(line), start: offset - lineStart };
    for (const gate of gates) {
      const why = gate(ctx);
      if (why) {
        reject?.('gate', `gate "${gateName(gate)}": ${why}`);
        return;
      }
    }
    if (rule.stopwords.length) {
      const s = secret.toLowerCase();
      const word = rule.stopwords.find((w) => s.includes(w));
      if (word !== undefined) {
        reject?.('stopword', `rule stopword "${word}"`);
        return;
      }
    }
    if (rule.allowRes.length) {
      const target = rule.allowTarget === 'line' ? ctx.line : secret;
      const re = rule.allowRes.find((r) => {
        r.lastIndex = 0;
        return r.test(target);
      });
      if (re) {
        reject?.('allow-regex', `rule allow regex /${re.source}/ (${rule.allowTarget})`);
        return;
      }
    }
    found.set(key, { cand: { rule, secret, offset }, line });
  };

  const plan = places && wordPlan(rules);
  const runOver = (rule: CompiledRule, from: number, to: number): void => {
    const chunk = from === 0 && to === text.length ? text : text.slice(from, to);
    const starts = plan?.starts.get(rule);
    const where = starts?.literals ? places?.literalsAt : places?.words;
    if (starts && where) {
      // Every match starts at one of its words: the pattern is tried there alone, in order,
      // each try past the last match's end, as the global regex would find them. (A literal
      // that is not listed does not occur.)
      const at: number[] = [];
      for (const word of starts.words) {
        const list = where.get(word) ?? [];
        for (let i = firstAtOrAbove(list, from); i < list.length && list[i]! < to; i++) at.push(list[i]! - from);
      }
      at.sort((a, b) => a - b);
      let next = 0;
      for (const rel of at) {
        if (rel < next) continue;
        starts.sticky.lastIndex = rel;
        const m = starts.sticky.exec(chunk);
        if (m === null) continue;
        accept(rule, m, from, rule.entropy, rule.gates);
        next = rel + m[0].length;
      }
      return;
    }
    rule.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = rule.re.exec(chunk)) !== null) {
      if (m[0].length === 0) rule.re.lastIndex++;
      accept(rule, m, from, rule.entropy, rule.gates);
    }
  };

  const windows = keywordLines(text, rules, places?.words);
  // Every rule's literals found in one pass (see ./literalIndex.ts), only when a rule has some.
  let present: Set<string> | undefined;
  rules.forEach((rule, i) => {
    if (rule.literals.length > 0) {
      present ??= literalsIn(text, rules);
      if (present.size === 0 || !rule.literals.some((l) => present!.has(l))) return;
    }
    if (rule.keywords.length === 0) runOver(rule, 0, text.length);
    // A multi-line match may start or end on a line without the keyword: the whole text,
    // unless the rule's window says how far below its keyword's line a match can end.
    else if (rule.multiline && !rule.spec.window) {
      if (windows.has(i)) runOver(rule, 0, text.length);
    } else for (const [from, to] of windows.get(i) ?? []) runOver(rule, from, to);
  });

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
        accept(rule, m, base, near.entropy, near.gates, 'near');
      }
    }
  }

  return [...found.values()].map(({ cand, line }) => ({
    rule: cand.rule,
    secret: cand.secret,
    start: cand.offset,
    lineStart: index.start(line),
    lineEnd: index.end(line),
  }));
}

/** At most EXCERPT_SIDE characters of `line` on each side of [from, to), "…" where cut. */
function excerptOf(line: string, from: number, to: number): string {
  const a = Math.max(0, from - EXCERPT_SIDE);
  const b = Math.min(line.length, to + EXCERPT_SIDE);
  return (a > 0 ? '…' : '') + line.slice(a, b) + (b < line.length ? '…' : '');
}

/**
 * How far around decoded content a layer is scanned (at most LAYER_CONTEXT, what a layer keeps):
 * a value and its name, a secret and the key ID it pairs with, sit this close.
 */
const WINDOW_BEFORE = 4096;
const WINDOW_AFTER = 8192;
/** Lines before and after decoded content that stay in its window (`near` pairings reach 5). */
const WINDOW_LINES = 5;
/** Characters a window may be cut at without making a fake word boundary. */
const SEPARATOR = /[\s"'`,;:()[\]{}<>|]/;
/** How far a window's cut moves inwards looking for a separator. */
const CUT_SEARCH = 256;

/**
 * The hits in a decoded layer, found without rescanning all of it: only windows around the
 * decoded content that can change a finding (Layer.seedRanges) are scanned, each reaching
 * WINDOW_LINES lines and at most WINDOW_BEFORE / WINDOW_AFTER characters around it (a name, the
 * key ID a secret pairs with, sit that close), cut at a nearby separator; each window goes
 * through the same keyword prefilter and rules as plain text.
 */
function layerHits(layer: Layer, rules: readonly CompiledRule[], trace?: HitTrace): Hit[] {
  const { text } = layer;
  const seeds = layer.seedRanges();
  if (seeds.length === 0) return [];
  const lines = new LineIndex(text);
  const windows: [number, number][] = [];
  for (const [a, b] of seeds) {
    const first = lines.lineOf(a);
    const last = lines.lineOf(Math.max(a, b - 1));
    const start = Math.max(lines.start(Math.max(0, first - WINDOW_LINES)), a - WINDOW_BEFORE);
    const end = Math.min(lines.end(Math.min(lines.count - 1, last + WINDOW_LINES)), b + WINDOW_AFTER);
    const prev = windows.at(-1);
    if (prev && start <= prev[1]) prev[1] = Math.max(prev[1], end);
    else windows.push([start, end]);
  }
  const hits: Hit[] = [];
  for (const [start, end] of windows) {
    // Cut at a separator when one is near, so no value looks whole only because it was cut.
    let from = start;
    let to = end;
    for (let n = 0; n < CUT_SEARCH && from > 0 && !SEPARATOR.test(text.charAt(from - 1)); n++) from++;
    for (let n = 0; n < CUT_SEARCH && to < text.length && !SEPARATOR.test(text.charAt(to)); n++) to--;
    if (to <= from) continue;
    const slice = text.slice(from, to);
    const shifted: HitTrace | undefined = trace && ((e) => trace({ ...e, offset: e.offset + from }));
    for (const h of findHits(slice, rules, shifted)) {
      hits.push({ ...h, start: h.start + from, lineStart: h.lineStart + from, lineEnd: h.lineEnd + from });
    }
  }
  return hits;
}

/** A hit placed in the fragment's text: [start, end) there, and what it was decoded from. */
interface Placed {
  hit: Hit;
  start: number;
  end: number;
  /** The decoded text the hit was found in (for its excerpt), when not the fragment's own. */
  layerText?: string;
  decodedFrom?: string;
}

/**
 * Finds secrets in one fragment. Pure: `(fragment, rules) → findings`, where the rules'
 * patterns run (allow stages and the git-secrets drop-in run regexes of their own). Per rule: keyword prefilter (the regex then runs only over the lines that hold a keyword,
 * so a rule's match must lie within one line; a rule without keywords, or a `multiline` one,
 * runs over the whole text), then entropy, gates and the rule's own allow list. Rules with
 * `near` then look for their unnamed form around the findings of the rule they pair with. A
 * multi-line match is one finding from its `line`/`column` to its `endLine`/`endColumn`.
 * Enrichers then fill `metadata`. Findings come back in text order; secrets are in clear.
 *
 * The same then runs over decoded views of the text (see ./decoders.ts: base64 runs, percent
 * escapes, JSON string escapes, up to two decodings deep). A secret found only there is
 * reported at the smallest span of the file that encodes it, with `decodedFrom` naming the
 * decoders and `secret` holding the decoded value (so its fingerprint is the same as the
 * plain secret's); its `lineText` is the decoded line, so redacting the secret hides it.
 * A decoded hit that lies inside a plain finding (the session token inside a Bedrock API key)
 * is part of that finding and not reported again. Findings that belong together (a key ID, its
 * secret key and session token) list each other in `related` (see ./linkPairs.ts). A stand-in
 * view (Fragment.exact) gives its exact text's findings (see detectFragment).
 */
export function detect(fragment: Fragment, rules: readonly CompiledRule[], trace?: Trace): Finding[] {
  return detectFragment(fragment, rules, trace).findings;
}

/** A candidate's secret held STAND_IN since the flag was last cleared (see findHits' accept). */
let standInSecret = false;

const standInRules = new WeakMap<readonly CompiledRule[], boolean>();

/**
 * detect, also saying which fragment the findings belong to: `fragment`, or its exact text when
 * it is a stand-in view (Fragment.exact, ./standIn.ts) that gave a finding, or a candidate
 * whose secret holds a stand-in, or a rule that needs the exact text, or a trace is kept. What
 * reads the lines around the findings (allow stages, worker context) reads that fragment's.
 */
export function detectFragment(fragment: Fragment, rules: readonly CompiledRule[], trace?: Trace): { fragment: Fragment; findings: Finding[] } {
  if (!fragment.exact) return { fragment, findings: detectIn(fragment, rules, trace) };
  let safe = standInRules.get(rules);
  if (safe === undefined) standInRules.set(rules, (safe = rules.every((r) => standInSafe(r.spec))));
  if (safe && !trace) {
    standInSecret = false;
    const findings = detectIn(fragment, rules);
    if (findings.length === 0 && !standInSecret) return { fragment, findings };
  }
  const exact = fragment.exact();
  return exact ? { fragment: exact, findings: detectIn(exact, rules, trace) } : { fragment, findings: detectIn(fragment, rules, trace) };
}

function detectIn(fragment: Fragment, rules: readonly CompiledRule[], trace?: Trace): Finding[] {
  const { text } = fragment;
  if (text.length === 0) return [];
  const places = fragment.oneByte ? primeOneByte(text, rules, () => wordPlan(rules)?.words) : undefined;
  const placed = new Map<string, Placed>();
  const plain: Placed[] = [];
  const tell = trace && eventMaker(fragment, trace);
  for (const hit of findHits(
    text,
    rules,
    tell?.((o) => ({ start: o.start, end: o.end })),
    places,
  )) {
    const p: Placed = { hit, start: hit.start, end: hit.start + hit.secret.length };
    placed.set(`${hit.rule.id}:${p.start}`, p);
    plain.push(p);
  }

  // Plain spans by start, with the furthest end reached so far: "inside a plain finding" is one
  // binary search, not a pass over every plain finding per decoded hit.
  plain.sort((a, b) => a.start - b.start);
  const starts = plain.map((p) => p.start);
  let reach = -1;
  const reachOf = plain.map((p) => (reach = Math.max(reach, p.end)));
  const insidePlain = (start: number, end: number): boolean => {
    if (plain.length === 0 || start < starts[0]!) return false;
    return reachOf[lastAtOrBelow(starts, start)]! >= end;
  };

  for (const layer of decodedLayers(text, fragment.noTerminal === true)) {
    const tellLayer = tell?.((o) => layer.toSource(o.start, o.end));
    for (const hit of layerHits(layer, rules, tellLayer)) {
      const span = layer.toSource(hit.start, hit.start + hit.secret.length);
      const key = `${hit.rule.id}:${span.start}`;
      const dup = placed.has(key) || insidePlain(span.start, span.end);
      if (dup) {
        tellLayer?.({
          rule: hit.rule,
          secret: hit.secret,
          offset: hit.start,
          form: 'named',
          minEntropy: hit.rule.entropy,
          verdict: 'duplicate',
          reason: 'decoded copy of a candidate already found',
        });
        continue;
      }
      const p: Placed = { hit, start: span.start, end: span.end };
      if (span.decodedFrom.length) {
        p.decodedFrom = span.decodedFrom.join('+');
        p.layerText = layer.text;
      }
      placed.set(key, p);
    }
  }

  const index = new LineIndex(text);
  const findings: Finding[] = [];
  for (const { hit, start, end, layerText, decodedFrom } of placed.values()) {
    const { rule, secret } = hit;
    const line = index.lineOf(start);
    const lineStart = index.start(line);
    const column = start - lineStart + 1;
    const lineEnd = Math.max(index.end(line), start);
    const excerpt = layerText
      ? excerptOf(layerText.slice(hit.lineStart, hit.lineEnd), hit.start - hit.lineStart, hit.start - hit.lineStart + secret.length)
      : excerptOf(text.slice(lineStart, index.end(line)), start - lineStart, start - lineStart + secret.length);
    const fileLine = fragment.lineNumbers?.[line] ?? fragment.startLine + line;
    // A multi-line rule's secret ends on a later line: endColumn is a column of that line.
    const last = rule.multiline && end > lineEnd ? index.lineOf(end - 1) : line;
    const endColumn = last === line ? Math.min(end, lineEnd) - lineStart + 1 : end - index.start(last) + 1;
    const finding: Finding = {
      ruleId: rule.id,
      description: rule.spec.description,
      path: fragment.path,
      line: fileLine,
      endLine: last === line ? fileLine : (fragment.lineNumbers?.[last] ?? fragment.startLine + last),
      column,
      endColumn,
      secret,
      lineText: excerpt,
      fingerprint: fingerprintOf(rule.id, fragment.path, secret),
      severity: rule.spec.severity ?? 'error',
    };
    if (rule.enrichers.length) {
      const metadata = enrich(rule.enrichers, secret);
      if (metadata) {
        finding.metadata = metadata;
        // Kept for compatibility: reports and baselines read the account from here.
        if (metadata['aws.accountId']) finding.awsAccountId = metadata['aws.accountId'];
      }
    }
    if (decodedFrom) finding.decodedFrom = decodedFrom;
    if (fragment.commit) Object.assign(finding, fragment.commit);
    findings.push(finding);
    trace?.({
      ruleId: rule.id,
      secret,
      start,
      end,
      line: fileLine,
      column,
      form: 'named',
      entropy: shannonEntropy(secret),
      minEntropy: rule.entropy,
      verdict: 'found',
      reason: "passed entropy, gates and the rule's allow list",
      ...(decodedFrom ? { decodedFrom } : {}),
    });
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
  linkPairs(findings, rules);
  return findings;
}

/** The name a gate is registered under (for traces). */
function gateName(gate: Gate): string {
  return Object.keys(GATES).find((k) => GATES[k] === gate) ?? 'custom';
}

/**
 * For a trace: a HitTrace factory, given how a text's offsets map to the fragment's (the
 * identity for the fragment's own text, Layer.toSource for a decoded layer, whose spans that
 * touch no decoded content are skipped: they are copies of the fragment's own candidates).
 */
function eventMaker(fragment: Fragment, trace: Trace) {
  const index = new LineIndex(fragment.text);
  return (toSource: (o: { start: number; end: number }) => { start: number; end: number; decodedFrom?: string[] }): HitTrace =>
    (e) => {
      const span = toSource({ start: e.offset, end: e.offset + e.secret.length });
      // A layer keeps plain text around what it decoded: candidates there were traced already.
      if (span.decodedFrom !== undefined && span.decodedFrom.length === 0) return;
      const line = index.lineOf(span.start);
      const decodedFrom = span.decodedFrom?.length ? span.decodedFrom.join('+') : undefined;
      trace({
        ruleId: e.rule.id,
        secret: e.secret,
        start: span.start,
        end: span.end,
        line: fragment.lineNumbers?.[line] ?? fragment.startLine + line,
        column: span.start - index.start(line) + 1,
        ...(decodedFrom ? { decodedFrom } : {}),
        form: e.form,
        entropy: shannonEntropy(e.secret),
        minEntropy: e.minEntropy,
        verdict: e.verdict,
        reason: e.reason,
      });
    };
}
