import type { RegexLike } from '../rules/linearRegex.js';
import { ereToJs } from './ere.js';
import { compileEre, type EreTranslation, ereTranslate } from './ereRegex.js';
import { requiredLiteralsOfAll } from './literals.js';

/** One matching line: 1-based number and its text (bytes as latin1 characters, no "\n"). */
export interface LineMatch {
  line: number;
  text: string;
}

const W = 'A-Za-z0-9_';

/**
 * Finds the lines of a text that match a set of prohibited patterns as `grep -nwE` (GNU grep)
 * or `git grep -nwE` reads them in the C locale: whole-word matches of extended regexes.
 *
 * - `mode: 'grep'` — each pattern is its own ERE (GNU grep's newline-separated pattern list);
 *   a line matches when some match of a pattern has a non-word character (or the line's edge) on
 *   both sides, an empty match included.
 * - `mode: 'git'` — the patterns are one ERE (git-secrets joins them with "|" for git grep);
 *   as above but a match must be at least one character long, as git grep requires.
 *   git grep only retries from the next word start when its leftmost-longest match fails the
 *   word test, so for patterns where a shorter alternative at the same start would pass (e.g.
 *   `a b|a` on "a bc") git grep reports nothing and this reports the line: a superset, never a
 *   miss.
 * - `mode: 'anywhere'` — no word test (as `git log -G` matches diff lines).
 *
 * Text is the file's bytes decoded as latin1 so classes and counts work on bytes, as in the C
 * locale. Throws EreError for a pattern GNU grep would reject.
 */
/** One alternative of a pattern, with its own prefilter. */
interface Part {
  /** Global: scans a whole text. */
  global: RegExp;
  /** Non-global: tests one line. */
  line: RegExp;
  /** Required literals of this alternative, or null (then it scans whole texts). */
  lits: string[] | null;
  /** The same as latin1 bytes, for searching files without decoding them. */
  litBufs: Buffer[];
}

/**
 * Splits an ERE at its top-level `|` (outside parentheses and brackets). Alternatives of an
 * ERE match exactly what the whole does, so each can be run on its own.
 */
export function splitAlternatives(ere: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < ere.length; i++) {
    const c = ere[i];
    if (c === '\\') i++;
    else if (c === '[') {
      let j = i + 1;
      if (ere[j] === '^') j++;
      if (ere[j] === ']') j++;
      while (j < ere.length && ere[j] !== ']') {
        if (ere[j] === '[' && /[:=.]/.test(ere[j + 1] ?? '')) {
          const close = ere.indexOf(`${ere[j + 1]}]`, j + 2);
          j = close < 0 ? ere.length : close + 2;
        } else j++;
      }
      i = j;
    } else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === '|' && depth === 0) {
      out.push(ere.slice(last, i));
      last = i + 1;
    }
  }
  out.push(ere.slice(last));
  return out;
}

export class LineMatcher {
  private readonly parts: Part[];
  private readonly nonEmpty: boolean;
  /** Required literals of the whole set (see literals.ts), or null: a cheap "cannot match" test. */
  readonly literals: string[] | null;

  constructor(patterns: readonly string[], mode: 'grep' | 'git' | 'anywhere') {
    this.nonEmpty = mode === 'git';
    const wrap = mode === 'anywhere' ? (src: string): string => `(?:${src})` : (src: string): string => `(?<![${W}])(?:${src})(?![${W}])`;
    this.parts = [];
    for (const pattern of patterns) {
      ereToJs(pattern); // reject a bad pattern as a whole, as grep does
      // Backreferences count groups across alternatives: keep such a pattern whole.
      const alts = /\\[1-9]/.test(pattern) ? [pattern] : splitAlternatives(pattern);
      for (const alt of alts) {
        const src = wrap(ereToJs(alt));
        const lits = requiredLiteralsOfAll([alt]);
        this.parts.push({ global: new RegExp(src, 'g'), line: new RegExp(src, 'g'), lits, litBufs: (lits ?? []).map((l) => Buffer.from(l, 'latin1')) });
      }
    }
    this.literals = this.parts.every((p) => p.lits) ? [...new Set(this.parts.flatMap((p) => p.lits!))] : null;
  }

  /** Adds to `hits` the start offset (plus `base`) of every line of `text` that `re` matches. */
  private scan(re: RegExp, text: string, hits: Set<number>, base = 0): void {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      // The end of a text that ends with "\n" (or is empty) starts no line.
      if (m.index === text.length && (text === '' || text.endsWith('\n'))) break;
      if (this.nonEmpty && m[0] === '') {
        // git grep: "words consist of at least one character"; look further along.
        re.lastIndex = m.index + 1;
        continue;
      }
      const nl = text.indexOf('\n', m.index);
      const lineEnd = nl < 0 ? text.length : nl;
      hits.add(base + (m.index === 0 ? 0 : text.lastIndexOf('\n', m.index - 1) + 1));
      // Skip to the next line: one report per line.
      re.lastIndex = lineEnd + 1;
      if (lineEnd >= text.length) break;
    }
  }

  /** The matching lines of `text`, in order, each once. */
  matchLines(text: string): LineMatch[] {
    const hits = new Set<number>();
    for (const part of this.parts) {
      if (!part.lits) {
        this.scan(part.global, text, hits);
        continue;
      }
      // Only the lines holding one of the part's literals go through its regex.
      let tried: Set<number> | undefined;
      for (const lit of part.lits) {
        for (let i = text.indexOf(lit); i >= 0; ) {
          const start = i === 0 ? 0 : text.lastIndexOf('\n', i - 1) + 1;
          const nl = text.indexOf('\n', i);
          const end = nl < 0 ? text.length : nl;
          if (!hits.has(start) && !(tried ??= new Set()).has(start)) {
            tried.add(start);
            this.scan(part.line, text.slice(start, end), hits, start);
          }
          if (nl < 0) break;
          i = text.indexOf(lit, nl + 1);
        }
      }
    }
    if (hits.size === 0) return [];
    const starts = [...hits].sort((a, b) => a - b);
    const out: LineMatch[] = [];
    let line = 1;
    let pos = 0;
    for (const start of starts) {
      for (let i = text.indexOf('\n', pos); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) line++;
      pos = start;
      const nl = text.indexOf('\n', start);
      out.push({ line, text: text.slice(start, nl < 0 ? text.length : nl) });
    }
    return out;
  }

  /**
   * matchLines for a file's bytes, without decoding more than the lines that hold a literal
   * (most files of a repository hold none). The result's texts are bytes as latin1 characters.
   */
  matchBuffer(buf: Buffer): LineMatch[] {
    if (this.parts.some((p) => !p.lits)) return this.matchLines(buf.toString('latin1'));
    const hits = new Set<number>();
    for (const part of this.parts) {
      let tried: Set<number> | undefined;
      for (const lit of part.litBufs) {
        for (let i = buf.indexOf(lit); i >= 0; ) {
          const start = i === 0 ? 0 : buf.lastIndexOf(10, i - 1) + 1;
          const nl = buf.indexOf(10, i);
          const end = nl < 0 ? buf.length : nl;
          if (!hits.has(start) && !(tried ??= new Set()).has(start)) {
            tried.add(start);
            this.scan(part.line, buf.toString('latin1', start, end), hits, start);
          }
          if (nl < 0) break;
          i = buf.indexOf(lit, nl + 1);
        }
      }
    }
    if (hits.size === 0) return [];
    const out: LineMatch[] = [];
    let line = 1;
    let pos = 0;
    for (const start of [...hits].sort((a, b) => a - b)) {
      for (let i = buf.indexOf(10, pos); i >= 0 && i < start; i = buf.indexOf(10, i + 1)) line++;
      pos = start;
      const nl = buf.indexOf(10, start);
      out.push({ line, text: buf.toString('latin1', start, nl < 0 ? buf.length : nl) });
    }
    return out;
  }

  /** Whether any line of `text` could match: false means certainly not (cheap literal test). */
  mayMatch(text: string): boolean {
    return !this.literals || this.literals.some((l) => text.includes(l));
  }
}

/**
 * Allowed patterns as `grep -E` reads them (no word test): `allows(line)` is true when some
 * pattern matches somewhere in the line. An empty list allows nothing.
 */
export class AllowMatcher {
  private readonly translated: { p: string; t: EreTranslation }[];
  private res: RegexLike[] | undefined;

  /**
   * Each pattern on its own (backreferences keep their numbers), linear where it can be. A bad
   * pattern throws EreError here (translating needs no engine); the patterns are compiled on
   * first use, so a commit with nothing to allow never loads the linear-time engine (~10 ms of a
   * pre-commit hook).
   */
  constructor(patterns: readonly string[]) {
    this.translated = patterns.map((p) => ({ p, t: ereTranslate(p) }));
  }

  get empty(): boolean {
    return this.translated.length === 0;
  }

  allows(line: string): boolean {
    this.res ??= this.translated.map(({ p, t }) => compileEre(p, t));
    return this.res.some((re) => re.test(line));
  }
}
