/**
 * POSIX extended regular expressions (as GNU grep -E and git grep -E read them in the C locale)
 * translated to JavaScript RegExp source.
 *
 * Contract: `ereToJs(p)` returns JS source that, compiled without flags and run over text whose
 * characters are the file's bytes (latin1-decoded), matches exactly where GNU ERE `p` matches on
 * one line. Nothing in the translation can match "\n", so a match never spans lines and the
 * source can be run over a whole file. Throws EreError where GNU grep reports a bad pattern
 * (unmatched `(` or `[`, bad class name, trailing backslash).
 *
 * GNU ERE details reproduced: `.` is any byte but newline (so "\r" too); `\s \S \w \W` are the
 * C-locale classes; `\< \> \b \B` word anchors; any other escaped character is itself (`\d` is
 * `d`, as glibc reads it); `^` and `$` are anchors anywhere; a quantifier with nothing to repeat
 * (at the start, after `(`, `|` or `^`) is a literal; `{` that does not start a valid interval is
 * a literal; `{,n}` is `{0,n}`; quantifiers stack (`a**`, `x{2}{3}`); inside brackets a
 * backslash is literal, `]` first is literal, and `[:alpha:]`-style classes, `[=x=]` and `[.x.]`
 * are understood. Backreferences `\1`–`\9` are kept (capturing groups keep their numbers).
 *
 * Safety: ereToJs's result runs on V8's backtracking engine, so a pattern that repeats a group which
 * itself repeats or holds alternatives (`(a+)+`, `(a|aa)*`, `(x*y){2,}`), repeats an unbounded
 * repeat (`a**`, `(a+){3}`), is refused with EreError: on a hostile line it would take exponential (or high
 * polynomial) time. Write `[ab]*` for `(a|b)*`. grep runs such patterns on a DFA; keyfence
 * refuses them rather than hang a commit. ereToRe2 emits RE2 syntax for the linear-time engine
 * instead (see ereRegex.ts), where they are harmless.
 */
export class EreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EreError';
  }
}

const WORD = 'A-Za-z0-9_';
const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\t\\n\\v\\f\\r ',
  blank: '\\t ',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
};

/** One character as a JS class member or literal, escaped where JS would read it specially. */
function lit(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/** Parses a bracket expression starting after `[`; returns JS class source and the end index. */
function bracket(p: string, start: number): { src: string; end: number } {
  let i = start;
  let negate = false;
  if (p[i] === '^') {
    negate = true;
    i++;
  }
  const members: string[] = [];
  let first = true;
  for (;;) {
    if (i >= p.length) throw new EreError('Unmatched [, [^, [:, [., or [=');
    const ch = p[i]!;
    if (ch === ']' && !first) break;
    first = false;
    if (ch === '[' && (p[i + 1] === ':' || p[i + 1] === '=' || p[i + 1] === '.')) {
      const kind = p[i + 1]!;
      const close = p.indexOf(`${kind}]`, i + 2);
      if (close < 0) throw new EreError('Unmatched [, [^, [:, [., or [=');
      const name = p.slice(i + 2, close);
      if (kind === ':') {
        const cls = CLASSES[name];
        if (cls === undefined) throw new EreError('Invalid character class name');
        members.push(cls);
      } else {
        if (name.length !== 1) throw new EreError('Invalid collation character');
        members.push(lit(name));
      }
      i = close + 2;
      continue;
    }
    // A range a-b (a "-" last or first is literal).
    if (p[i + 1] === '-' && p[i + 2] !== undefined && p[i + 2] !== ']') {
      let hi = p[i + 2]!;
      let next = i + 3;
      if (hi === '[' && p[i + 3] === '.') {
        const close = p.indexOf('.]', i + 4);
        if (close < 0) throw new EreError('Unmatched [, [^, [:, [., or [=');
        hi = p.slice(i + 4, close);
        next = close + 2;
      }
      if (hi.charCodeAt(0) < ch.charCodeAt(0)) throw new EreError('Invalid range end');
      members.push(`${lit(ch)}-${lit(hi)}`);
      i = next;
      continue;
    }
    members.push(lit(ch));
    i++;
  }
  // Nothing in a translation may match a newline (lines are matched inside whole files).
  const body = members.join('');
  return { src: negate ? `[^${body}\\n]` : body ? `[${body}]` : '[^\\s\\S]', end: i };
}

/**
 * Translates one GNU ERE to JS RegExp source (see the module comment for the contract).
 * `groupOffset` shifts backreference numbers, for callers that wrap the result in their own
 * capturing groups first.
 */
export function ereToJs(p: string, groupOffset = 0): string {
  return translate(p, groupOffset, 'js');
}

/**
 * Translates one GNU ERE to RE2 syntax, for the linear-time engine (src/rules/linearRegex.ts):
 * the same contract as ereToJs, with anchors written without lookahead (`^` `$` as `(?m:^)`
 * `(?m:$)`, `\<` `\>` as a lookbehind and `\b`). Nested repetition is fine there (RE2 runs it
 * in linear time); a backreference, which RE2 cannot run, throws EreError with `backreference`
 * in its message (callers fall back to ereToJs).
 */
export function ereToRe2(p: string): string {
  return translate(p, 0, 're2');
}

/** Thrown message of ereToRe2 for a pattern with a backreference. */
export const BACKREFERENCE = 'backreference: no linear-time engine runs it';

function translate(p: string, groupOffset: number, target: 'js' | 're2'): string {
  const re2 = target === 're2';
  let out = '';
  // Start index (in `out`) of the last atom that a quantifier may apply to, or -1.
  let atomStart = -1;
  // Whether that atom already carries a quantifier (then a new one must wrap it).
  let quantified = false;
  let depth = 0;
  let i = 0;
  const atom = (src: string): void => {
    atomStart = out.length;
    quantified = false;
    atomHolds = none();
    out += src;
  };
  // Per open group (and the whole pattern, first): whether it holds a repeat (a quantifier that
  // may match more than once), an unbounded one, or an alternation.
  type Holds = { repeat: boolean; unbounded: boolean; alt: boolean };
  const none = (): Holds => ({ repeat: false, unbounded: false, alt: false });
  const inside: Holds[] = [none()];
  // What the atom a quantifier would apply to holds (a closed group, or an atom already quantified).
  let atomHolds: Holds = none();
  const quantify = (q: string): void => {
    const b = /^\{(\d+)(,(\d*))?\}$/.exec(q);
    const max = q === '?' ? 1 : !b ? Infinity : b[2] === undefined ? Number(b[1]) : b[3] ? Number(b[3]) : Infinity;
    // Unbounded over anything ambiguous is exponential; any repeat over an unbounded one polynomial.
    if (!re2 && ((max === Infinity && (atomHolds.repeat || atomHolds.alt)) || (max > 1 && atomHolds.unbounded))) {
      throw new EreError(
        'Nested repetition (a repeated group that repeats or has alternatives, as in (a+)+, (a|b)* or a**) could take exponential time: keyfence refuses it (write [ab]* for (a|b)*)',
      );
    }
    if (quantified) out = `${out.slice(0, atomStart)}(?:${out.slice(atomStart)})`;
    out += q;
    quantified = true;
    atomHolds = { repeat: atomHolds.repeat || max > 1, unbounded: atomHolds.unbounded || max === Infinity, alt: atomHolds.alt };
    const top = inside.at(-1)!;
    top.repeat ||= max > 1;
    top.unbounded ||= max === Infinity;
  };
  const groupStarts: number[] = [];
  while (i < p.length) {
    const ch = p[i]!;
    switch (ch) {
      case '\\': {
        const n = p[i + 1];
        if (n === undefined) throw new EreError('Trailing backslash');
        i += 2;
        if (n === 's') atom('[\\t\\v\\f\\r ]');
        else if (n === 'S') atom('[^\\t\\n\\v\\f\\r ]');
        else if (n === 'w') atom(`[${WORD}]`);
        else if (n === 'W') atom(`[^${WORD}\\n]`);
        else if (n === '<') {
          out += re2 ? `(?<![${WORD}])\\b` : `(?<![${WORD}])(?=[${WORD}])`;
          atomStart = -1;
        } else if (n === '>') {
          out += re2 ? `(?<=[${WORD}])\\b` : `(?<=[${WORD}])(?![${WORD}])`;
          atomStart = -1;
        } else if (n === 'b') {
          out += '\\b';
          atomStart = -1;
        } else if (n === 'B') {
          out += '\\B';
          atomStart = -1;
        } else if (n === '`') {
          out += re2 ? '\\A' : '(?<![^])';
          atomStart = -1;
        } else if (n === "'") {
          out += re2 ? '\\z' : '(?![^])';
          atomStart = -1;
        } else if (n >= '1' && n <= '9') {
          if (re2) throw new EreError(BACKREFERENCE);
          atom(`\\${Number(n) + groupOffset}`);
        } else atom(lit(n));
        continue;
      }
      case '[': {
        const b = bracket(p, i + 1);
        atom(b.src);
        i = b.end + 1;
        continue;
      }
      case '(':
        groupStarts.push(out.length);
        inside.push(none());
        out += '(';
        depth++;
        atomStart = -1;
        i++;
        continue;
      case ')': {
        if (depth === 0) {
          // GNU ERE: an unmatched ")" is an ordinary character.
          atom('\\)');
          i++;
          continue;
        }
        depth--;
        out += ')';
        atomStart = groupStarts.pop()!;
        quantified = false;
        atomHolds = inside.pop()!;
        for (const k of ['repeat', 'unbounded', 'alt'] as const) inside.at(-1)![k] ||= atomHolds[k];
        i++;
        continue;
      }
      case '|':
        inside.at(-1)!.alt = true;
        out += '|';
        atomStart = -1;
        i++;
        continue;
      case '^':
        out += re2 ? '(?m:^)' : '(?<![^\\n])';
        atomStart = -1;
        i++;
        continue;
      case '$':
        out += re2 ? '(?m:$)' : '(?![^\\n])';
        atomStart = -1;
        i++;
        continue;
      case '.':
        atom('[^\\n]');
        i++;
        continue;
      case '*':
      case '+':
      case '?':
        if (atomStart < 0) atom(lit(ch));
        else quantify(ch);
        i++;
        continue;
      case '{': {
        const m = /^\{(\d*)(,(\d*))?\}/.exec(p.slice(i));
        if (!m || (m[1] === '' && m[2] === undefined) || atomStart < 0) {
          atom('\\{');
          i++;
          continue;
        }
        const lo = m[1] === '' ? '0' : m[1]!;
        const q = m[2] === undefined ? `{${lo}}` : `{${lo},${m[3] ?? ''}}`;
        if (m[3] && Number(m[3]) < Number(lo)) throw new EreError('Invalid content of \\{\\}');
        quantify(q);
        i += m[0].length;
        continue;
      }
      default:
        atom(lit(ch));
        i++;
    }
  }
  if (depth > 0) throw new EreError('Unmatched ( or \\(');
  return out;
}
