import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

let engine: typeof RE2JS | undefined;
/**
 * re2js, loaded on first use (synchronously, from its CommonJS build): its ~260 KB take ~30 ms
 * to load, which the pre-commit path without user regexes must not pay.
 */
function re2(): typeof RE2JS {
  return (engine ??= (createRequire(import.meta.url)('re2js') as typeof import('re2js')).RE2JS);
}

/**
 * What the detector and the allow stages need of a regex: `exec` with `lastIndex` (when
 * global) and match indices, and `test`. A RegExp is one; so is a LinearRegExp.
 */
export interface RegexLike {
  readonly source: string;
  lastIndex: number;
  exec(text: string): RegExpExecArray | null;
  test(text: string): boolean;
}

/** A user regex keyfence cannot run in linear time, or that does not parse; the message says why. */
export class UnsafeRegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeRegexError';
  }
}

/**
 * A regex from a user (config rules and allow lists) run on RE2 (re2js, a pure-JS port of Go's
 * regexp): matching time is linear in the input, whatever the pattern (`(a+)+$` cannot hang a
 * commit). The pattern is JavaScript regex syntax (translated with RE2JS.translateRegExp) or
 * RE2/Go syntax as gitleaks writes it: inline flags such as `(?i)`, `(?s)`, `(?m)`, `(?is)` are
 * accepted at the start or anywhere. RE2 has no lookahead and no backreferences (they cannot
 * run in linear time): a pattern that uses them is refused with UnsafeRegexError. Lookbehind
 * is accepted (re2js runs it in linear time). Flags: `i`, `s`, `m` as in JavaScript; `g` makes
 * `exec` start at `lastIndex` and advance it; `d`, `u`, `y` are ignored (indices are always
 * filled in).
 */
export class LinearRegExp implements RegexLike {
  lastIndex = 0;
  readonly global: boolean;
  private readonly re: RE2JS;
  private input: string | undefined;
  private matcher: ReturnType<RE2JS['matcher']> | undefined;
  private readonly groups: number;

  constructor(
    readonly source: string,
    readonly flags = '',
  ) {
    this.global = flags.includes('g');
    const RE2 = re2();
    const flagBits: Record<string, number> = { i: RE2.CASE_INSENSITIVE, s: RE2.DOTALL, m: RE2.MULTILINE };
    let bits = RE2.LOOKBEHINDS;
    for (const f of flags) bits |= flagBits[f] ?? 0;
    try {
      this.re = RE2.compile(RE2.translateRegExp(source), bits);
    } catch (err) {
      const plain = source.replace(/\\[^1-9]/g, '');
      if (/\(\?[=!]/.test(plain)) throw new UnsafeRegexError('uses lookahead ((?= or (?!), which keyfence cannot run in linear time');
      if (/\\[1-9]/.test(plain)) throw new UnsafeRegexError('uses a backreference (\\1…), which keyfence cannot run in linear time');
      throw new UnsafeRegexError(`not a valid regular expression: ${(err as Error).message.replace(/^error parsing regexp: /, '')}`);
    }
    this.groups = this.re.groupCount();
  }

  exec(text: string): RegExpExecArray | null {
    const from = this.global ? this.lastIndex : 0;
    if (from > text.length) {
      this.lastIndex = 0;
      return null;
    }
    if (this.input !== text || !this.matcher) {
      this.input = text;
      this.matcher = this.re.matcher(text);
    }
    const m = this.matcher;
    if (!m.find(from)) {
      if (this.global) this.lastIndex = 0;
      return null;
    }
    const values: (string | undefined)[] = [];
    const indices: ([number, number] | undefined)[] = [];
    for (let g = 0; g <= this.groups; g++) {
      const start = m.start(g);
      if (start < 0) {
        values.push(undefined);
        indices.push(undefined);
      } else {
        const end = m.end(g);
        values.push(text.slice(start, end));
        indices.push([start, end]);
      }
    }
    const result = values as unknown as RegExpExecArray;
    result.index = m.start(0);
    result.input = text;
    (result as { indices?: unknown }).indices = indices;
    if (this.global) this.lastIndex = m.end(0);
    return result;
  }

  test(text: string): boolean {
    if (this.global) return this.exec(text) !== null;
    return this.re.test(text);
  }
}

/** LinearRegExp, with a message naming `where` (file and field) when it cannot be used. */
export function linearRegex(source: string, flags: string, where: string): LinearRegExp {
  try {
    return new LinearRegExp(source, flags);
  } catch (err) {
    throw new UnsafeRegexError(`${where}: ${(err as Error).message}`);
  }
}
