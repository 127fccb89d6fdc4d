import { ereToJs } from './ere.js';
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
export class LineMatcher {
  private readonly res: RegExp[];
  private readonly nonEmpty: boolean;
  /** Required literals (see literals.ts): only lines holding one can match. */
  private readonly lits: string[] | null;

  constructor(patterns: readonly string[], mode: 'grep' | 'git' | 'anywhere') {
    this.nonEmpty = mode === 'git';
    const wrap = mode === 'anywhere' ? (src: string): string => `(?:${src})` : (src: string): string => `(?<![${W}])(?:${src})(?![${W}])`;
    const translated = patterns.map((p) => ereToJs(p));
    const withBackrefs = translated.filter((t) => /\\[1-9]/.test(t));
    const plain = translated.filter((t) => !/\\[1-9]/.test(t));
    this.res = [];
    if (plain.length) this.res.push(new RegExp(plain.map(wrap).join('|'), 'g'));
    for (const t of withBackrefs) this.res.push(new RegExp(wrap(t), 'g'));
    const lits = requiredLiteralsOfAll(patterns);
    this.lits = lits;
  }

  /** Offsets of the starts of matching lines in `text` (from..to), via the full regexes. */
  private scan(text: string, hits: Set<number>, base = 0): void {
    for (const re of this.res) {
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
  }

  /** The matching lines of `text`, in order, each once. */
  matchLines(text: string): LineMatch[] {
    const hits = new Set<number>();
    if (this.lits) {
      // Only the lines holding a required literal go through the regexes (indexOf is fast).
      const lineStarts = new Set<number>();
      for (const lit of this.lits) {
        for (let i = text.indexOf(lit); i >= 0; ) {
          const start = i === 0 ? 0 : text.lastIndexOf('\n', i - 1) + 1;
          lineStarts.add(start);
          const nl = text.indexOf('\n', i);
          if (nl < 0) break;
          i = text.indexOf(lit, nl + 1);
        }
      }
      for (const start of lineStarts) {
        const nl = text.indexOf('\n', start);
        this.scan(text.slice(start, nl < 0 ? text.length : nl), hits, start);
      }
    } else {
      this.scan(text, hits);
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

  /** Whether any line of `text` could match: false means certainly not (cheap literal test). */
  mayMatch(text: string): boolean {
    return !this.lits || this.lits.some((l) => text.includes(l));
  }
}

/**
 * Allowed patterns as `grep -E` reads them (no word test): `allows(line)` is true when some
 * pattern matches somewhere in the line. An empty list allows nothing.
 */
export class AllowMatcher {
  private readonly re: RegExp | null;

  constructor(patterns: readonly string[]) {
    this.re = patterns.length ? new RegExp(patterns.map((p) => `(?:${ereToJs(p)})`).join('|')) : null;
  }

  get empty(): boolean {
    return this.re === null;
  }

  allows(line: string): boolean {
    return this.re !== null && this.re.test(line);
  }
}
