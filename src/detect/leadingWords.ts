/**
 * The words a regex's every match starts with, read off its source when that is simple: each
 * top-level alternative starts with literal characters, or with a group (capturing or not, not
 * optional) whose alternatives each do. `(?:secret[_.\- ]?key|aws[_.\- ]?secret)…` starts with
 * "secret" or "aws". Lower-cased unless `fold` is false: the caller looks for them with ASCII
 * case folded, which finds every place a match can start whatever the flags (more, without `i`);
 * as written, they are where a match starts only without `i`. Undefined when the source starts
 * otherwise (a class, a lookaround, an optional group, an escape that is not a punctuation
 * character), when a word would be empty or not ASCII, or with the `u` or `v` flag.
 */
export function leadingWords(source: string, flags: string, fold = true): string[] | undefined {
  if (/[uv]/.test(flags)) return undefined;
  const words = new Set<string>();
  const end = alternatives(source, 0, words);
  if (end !== source.length) return undefined;
  for (const w of words) if (w.length === 0 || /[^\x20-\x7e]/.test(w)) return undefined;
  return fold ? [...words].map((w) => w.toLowerCase()) : [...words];
}

/** Characters that end a run of literal characters in a pattern. */
const SPECIAL = new Set([...'\\^$.|?*+()[]{}']);
/** Quantifiers that may take the character before them zero times. */
const OPTIONAL = new Set(['?', '*', '{']);

/**
 * Reads the alternatives from `i` up to the `)` that closes them (or the end), adding each one's
 * leading word to `words`; gives the index of that `)` (or the source's length), or -1 when an
 * alternative does not start with a word.
 */
function alternatives(s: string, i: number, words: Set<string>): number {
  for (;;) {
    i = alternative(s, i, words);
    if (i < 0) return -1;
    i = skipRest(s, i);
    if (i < 0) return -1;
    if (s[i] !== '|') return i;
    i++;
  }
}

/** Reads one alternative's leading word (or group of them); gives where it stopped reading, or -1. */
function alternative(s: string, i: number, words: Set<string>): number {
  if (s[i] === '(') {
    let inner: number;
    if (s.startsWith('(?:', i)) inner = i + 3;
    else if (s[i + 1] === '?' && !(s[i + 2] === '<' && s[i + 3] !== '=' && s[i + 3] !== '!'))
      return -1; // a lookaround
    else if (s[i + 1] === '?')
      inner = s.indexOf('>', i) + 1; // a named group
    else inner = i + 1;
    if (inner <= 0) return -1;
    const close = alternatives(s, inner, words);
    if (close < 0 || s[close] !== ')') return -1;
    if (OPTIONAL.has(s[close + 1] ?? '')) return -1; // the group may be skipped
    return close + 1;
  }
  let word = '';
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') {
      const e = s[i + 1];
      if (e === undefined || /[A-Za-z0-9]/.test(e)) break; // a class, a backreference, a control…
      word += e;
      i += 2;
    } else if (SPECIAL.has(c)) break;
    else {
      word += c;
      i++;
    }
  }
  // A quantifier that may take the last character zero times leaves it out of the word.
  if (OPTIONAL.has(s[i] ?? '')) word = word.slice(0, -1);
  if (word.length === 0) return -1;
  words.add(word);
  return i;
}

/** Skips to the `|` or `)` that ends the alternative at this depth (or the end); -1 on a malformed source. */
function skipRest(s: string, i: number): number {
  let depth = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') i += 2;
    else if (c === '[') {
      i++;
      while (i < s.length && s[i] !== ']') i += s[i] === '\\' ? 2 : 1;
      if (i >= s.length) return -1;
      i++;
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      if (depth === 0) return i;
      depth--;
      i++;
    } else if (c === '|' && depth === 0) return i;
    else i++;
  }
  return depth === 0 ? i : -1;
}
